package dev.loadsplitter.testing.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadsplitter.engine.internal.ledger.ItemMark;
import dev.loadsplitter.engine.internal.ledger.MarkState;
import dev.loadsplitter.engine.message.JobRecord;
import dev.loadsplitter.engine.message.SubTaskAttribute;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The ledger's invariants (docs/reliability.md), checked against what a settled schedule left:
 * <ol>
 *   <li>I1: every item ends DONE, DEAD (its task parked for redrive) or SKIPPED; none is lost;</li>
 *   <li>I2: the counts are the numbers of marks in each state, their sum is the job's items, and an
 *       item is DONE only if its work completed;</li>
 *   <li>I3: the job is closed, with the counts it closed with;</li>
 *   <li>I4: every close number has its completion event, with the counts of that close; a close has
 *       two events only where a PutEvents answer or its publisher could be lost.</li>
 * </ol>
 */
final class Invariants {

    private Invariants() {}

    static void check(
            Simulation.Outcome outcome, String jobId, int items, Numbers work, Set<Long> poison, Faults faults) {
        check(outcome, jobId, items, work, poison, faults, true);
    }

    /**
     * @param messagesKept false when the queue's retention may drop messages: a dead-lettered item's message can
     *     then be gone before it reaches the dead-letter queue, as on SQS
     */
    static void check(
            Simulation.Outcome outcome,
            String jobId,
            int items,
            Numbers work,
            Set<Long> poison,
            Faults faults,
            boolean messagesKept) {
        checkAll(outcome, jobId, items, work, poison, faults, messagesKept);
    }

    private static void checkAll(
            Simulation.Outcome outcome,
            String jobId,
            int items,
            Numbers work,
            Set<Long> poison,
            Faults faults,
            boolean messagesKept) {
        JobRecord job = outcome.ledger()
                .job(jobId)
                .orElseThrow(() -> new AssertionError("job " + jobId + " is not in the ledger"));
        List<ItemMark> marks = new ArrayList<>();
        outcome.ledger().results(jobId, marks::add);
        Map<MarkState, Long> byState = new EnumMap<>(MarkState.class);
        marks.forEach(mark -> byState.merge(mark.state(), 1L, Long::sum));

        // I1
        assertThat(marks)
                .as("I1: one mark per item, in order")
                .extracting(ItemMark::index)
                .containsExactlyElementsOf(indexes(items));
        assertThat(byState.getOrDefault(MarkState.PENDING, 0L))
                .as("I1: no item left pending")
                .isZero();
        Set<Long> parkedItems = parkedItems(outcome);
        for (ItemMark mark : marks) {
            if (mark.state() == MarkState.DEAD && messagesKept) {
                assertThat(parkedItems.contains(mark.index())
                                || !outcome.failedEvents().isEmpty())
                        .as("I1: dead-lettered item " + mark.index() + " is kept for redrive; its mark "
                                + outcome.table()
                                        .get(
                                                new dev.loadsplitter.engine.internal.ledger.ItemKey(
                                                        jobId, String.format("i/%010d", mark.index())),
                                                true)
                                + "; parked "
                                + outcome.parked().stream()
                                        .map(m -> m.id() + m.attributes())
                                        .toList()
                                + "; trace " + outcome.trace())
                        .isTrue();
            }
        }
        // I2
        assertThat(job.items()).isEqualTo(items);
        assertThat(job.processed())
                .as("I2: processed = DONE marks")
                .isEqualTo(byState.getOrDefault(MarkState.DONE, 0L));
        assertThat(job.deadLettered())
                .as("I2: dead-lettered = DEAD marks")
                .isEqualTo(byState.getOrDefault(MarkState.DEAD, 0L));
        assertThat(job.skipped())
                .as("I2: skipped = SKIPPED marks")
                .isEqualTo(byState.getOrDefault(MarkState.SKIPPED, 0L));
        assertThat(job.processed() + job.deadLettered() + job.skipped())
                .as("I2: the sum is the items")
                .isEqualTo(items);
        Map<Long, Integer> completed = work.completed();
        for (ItemMark mark : marks) {
            if (mark.state() == MarkState.DONE) {
                assertThat(completed)
                        .as("I2: DONE item " + mark.index() + " was worked on")
                        .containsKey(mark.index());
            }
            if (poison.contains(mark.index())) {
                assertThat(mark.state()).as("poison item " + mark.index()).isNotEqualTo(MarkState.DONE);
            }
        }
        // I3
        assertThat(job.status().isClosed()).as("I3: the job is closed: " + job).isTrue();
        assertThat(job.close()).as("I3: it closed at least once").isPositive();
        // I4
        List<JobRecord> events = outcome.events().stream()
                .filter(event -> event.jobId().equals(jobId))
                .toList();
        Map<Integer, List<JobRecord>> byClose = events.stream().collect(Collectors.groupingBy(JobRecord::close));
        for (int close = 1; close <= job.close(); close++) {
            assertThat(byClose).as("I4: close " + close + " has its event").containsKey(close);
            List<JobRecord> same = byClose.get(close);
            if (!faults.mayDuplicateEvents()) {
                assertThat(same).as("I4: one event for close " + close).hasSize(1);
            }
            assertThat(same.stream()
                            .map(e -> List.of(e.processed(), e.deadLettered(), e.skipped()))
                            .distinct())
                    .as("I4: every event of close " + close + " carries the same counts")
                    .hasSize(1);
        }
        assertThat(byClose.keySet()).as("I4: no event beyond the last close").allMatch(close -> close <= job.close());
        JobRecord last = byClose.get(job.close()).getFirst();
        assertThat(List.of(last.processed(), last.deadLettered(), last.skipped()))
                .as("I4: the last close's event carries the job's counts")
                .isEqualTo(List.of(job.processed(), job.deadLettered(), job.skipped()));
        assertThat(last.status()).isEqualTo(job.status());
    }

    /** The job's rule, as its mode set it, shows in how it closed. */
    static void checkRule(Simulation.Outcome outcome, String jobId, TortureTest.Mode mode, Set<Long> poison) {
        JobRecord job = outcome.ledger().job(jobId).orElseThrow();
        switch (job.status()) {
            case COMPLETED ->
                assertThat(job.deadLettered() + job.skipped())
                        .as("COMPLETED: all processed")
                        .isZero();
            case COMPLETED_WITH_FAILURES ->
                assertThat(job.deadLettered())
                        .as("COMPLETED_WITH_FAILURES: some dead")
                        .isPositive();
            case FAILED ->
                assertThat(job.reason().orElseThrow())
                        .isIn(
                                dev.loadsplitter.engine.message.CloseReason.ALL_DEAD_LETTERED,
                                dev.loadsplitter.engine.message.CloseReason.TOLERANCE_EXCEEDED);
            case CANCELLED -> assertThat(mode).as("only a cancel cancels").isEqualTo(TortureTest.Mode.CANCEL);
            case TIMED_OUT ->
                assertThat(job.skipped())
                        .as("TIMED_OUT: its open items skipped")
                        .isPositive();
            case IN_PROGRESS -> throw new AssertionError("settled yet open: " + job);
        }
        if (job.skipped() > 0) {
            assertThat(job.status())
                    .as("items are skipped only by a stop or a timeout: " + job)
                    .isIn(
                            dev.loadsplitter.engine.message.JobStatus.CANCELLED,
                            dev.loadsplitter.engine.message.JobStatus.FAILED,
                            dev.loadsplitter.engine.message.JobStatus.TIMED_OUT);
        }
        if (mode == TortureTest.Mode.TOLERANCE && job.deadLettered() > 0) {
            assertThat(job.status())
                    .isIn(
                            dev.loadsplitter.engine.message.JobStatus.FAILED,
                            dev.loadsplitter.engine.message.JobStatus.CANCELLED);
            assertThat(job.reason()).contains(dev.loadsplitter.engine.message.CloseReason.TOLERANCE_EXCEEDED);
        }
        if (mode != TortureTest.Mode.RETENTION && outcome.failedEvents().isEmpty()) {
            // Items time out when their messages are gone, or when every attempt at the original event died before
            // it could count them (that event waits in the failed-events destination, for a redrive).
            assertThat(job.status())
                    .as("only lost messages time a job out")
                    .isNotEqualTo(dev.loadsplitter.engine.message.JobStatus.TIMED_OUT);
        }
    }

    private static List<Long> indexes(int items) {
        List<Long> all = new ArrayList<>();
        for (long i = 0; i < items; i++) {
            all.add(i);
        }
        return all;
    }

    /** The items the parked dead letters cover. */
    private static Set<Long> parkedItems(Simulation.Outcome outcome) {
        Set<Long> covered = new java.util.HashSet<>();
        for (SimQueue.Message message : outcome.parked()) {
            if (SubTaskAttribute.lineageOf(message.attributes())
                    instanceof SubTaskAttribute.ReceivedLineage.Known known) {
                long first = known.lineage().firstItem();
                int count = SubTaskAttribute.ITEM_COUNT.intIn(message.attributes(), 1);
                for (long i = first; i < first + count; i++) {
                    covered.add(i);
                }
            }
        }
        return covered;
    }
}
