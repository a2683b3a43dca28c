package dev.loadsplitter.cli;

import static dev.loadsplitter.cli.RunCommandIT.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A named few of the torture test's schedules ({@code TortureTest} in the testing module, a
 * deterministic simulation) on the real local runtime: the same shape (items, items per task, batch
 * size, receive count, a fault rate, the job's rule, a seed), with the simulation's faults as the
 * runtime's fault options, and the ledger's invariants checked on what {@code run} reports:
 * <ol>
 *   <li>I1: every item ends processed, dead-lettered or skipped: {@code --results} has one line per
 *       item, in order, each of one kind;</li>
 *   <li>I2: the record's counts are those lines' numbers, and their sum is the items;</li>
 *   <li>I3: so counted, the job is closed, with the status its counts and rule give;</li>
 *   <li>I4: each close has its event and every event of the last close carries its counts; exactly
 *       one per close where no answer can be lost.</li>
 * </ol>
 */
class TortureSchedulesIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One schedule.
     *
     * @param name what it puts to the test
     * @param items tags in the event
     * @param options the runtime's options that make its faults and rule
     * @param answersMayBeLost whether a completion event's answer or its publisher can be lost (I4 then allows a
     *     duplicate)
     */
    record Schedule(String name, int items, List<String> options, boolean answersMayBeLost) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Schedule> schedules() {
        return Stream.of(
                // TortureTest's PLAIN mode at its highest fault rate: tasks of four items in batches of four, crashes
                // after any call, lost answers, conflicts, throttles and throttled invocations at 12 %.
                new Schedule(
                        "plain, 4 items a task, batches of 4, 12 % of every fault, seed 11",
                        40,
                        List.of(
                                "--max-items-per-task", "4",
                                "--batch-size", "4",
                                "--max-receive-count", "6",
                                "--delay", "300ms",
                                "--function-timeout", "3s",
                                "--visibility-timeout", "3s",
                                "--crash-inside-rate", "0.12",
                                "--lost-response-rate", "0.12",
                                "--dynamodb-conflict-rate", "0.12",
                                "--dynamodb-throttle-rate", "0.12",
                                "--invoke-throttle-rate", "0.12",
                                "--dynamodb-transaction-window", "10ms",
                                "--seed", "11"),
                        true),
                // TOLERANCE mode: no failure tolerated and one receive, so the first dead letter stops the job and
                // what had not started is skipped; no fault that loses an answer, so one event exactly.
                new Schedule(
                        "tolerance 0, one receive, 12 % failing invocations, seed 5",
                        30,
                        List.of(
                                "--tolerated-failure-count", "0",
                                "--max-receive-count", "1",
                                "--delay", "200ms",
                                "--concurrency", "5",
                                "--reserved-concurrency", "10",
                                "--visibility-timeout", "2s",
                                "--fail-rate", "0.12",
                                "--dynamodb-conflict-rate", "0.12",
                                "--seed", "5"),
                        false),
                // Throttled invocations burning receive counts, timeouts and crashes after the work, duplicates
                // from lost SQS answers, with two receives: some items may be dead-lettered, none may be lost.
                new Schedule(
                        "2 items a task, batches of 3, two receives, throttled invocations, seed 23",
                        40,
                        List.of(
                                "--max-items-per-task", "2",
                                "--batch-size", "3",
                                "--max-receive-count", "2",
                                "--delay", "100ms",
                                "--function-timeout", "2s",
                                "--visibility-timeout", "2s",
                                "--invoke-throttle-rate", "0.12",
                                "--timeout-rate", "0.12",
                                "--crash-rate", "0.12",
                                "--lost-response-rate", "0.12",
                                "--seed", "23"),
                        true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schedules")
    void theScheduleKeepsTheLedgerTrueOnTheRealRuntime(Schedule schedule, @TempDir Path dir) throws Exception {
        Path results = dir.resolve("results.jsonl");
        List<String> args = new ArrayList<>(List.of(
                "run", "--json", "--timeout", "3m", "--async-retry-pause", "100ms", "--results", results.toString()));
        args.addAll(schedule.options());
        args.add(JobsIT.event(dir, "torture-" + schedule.items(), schedule.items())
                .toString());

        RunCommandIT.Result result = cli(args.toArray(String[]::new));
        System.out.printf("%s: %s%n", schedule, result.out().strip());

        JsonNode summary = JSON.readTree(result.out());
        JsonNode job = summary.path("job");
        assertThat(job.isObject())
                .as("the job is in the ledger: " + result.err())
                .isTrue();
        long processed = job.path("processed").asLong();
        long dead = job.path("deadLettered").asLong();
        long skipped = job.path("skipped").asLong();
        // I1 and I2: one line per item, and the record counts what the lines say.
        assertThat(LedgerChecksIT.ItemLines.read(results).counts())
                .as("I1, I2: the items' lines against the record " + job)
                .isEqualTo(new LedgerChecksIT.ItemLines.Counts(processed, dead, skipped));
        assertThat(job.path("items").asLong()).isEqualTo(schedule.items());
        assertThat(processed + dead + skipped).as("I2: the sum is the items").isEqualTo(schedule.items());
        // I3: closed, as its counts and rule say.
        String status = job.path("status").asText();
        assertThat(job.path("close").asInt()).as("I3: closed").isPositive();
        if (dead + skipped == 0) {
            assertThat(status).isEqualTo("COMPLETED");
            assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
        } else {
            assertThat(status).isIn("COMPLETED_WITH_FAILURES", "FAILED");
            assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.ITEMS_FAILED);
        }
        if (schedule.options().contains("--tolerated-failure-count") && dead > 0) {
            assertThat(status)
                    .as("a dead letter beyond the tolerance fails the job")
                    .isEqualTo("FAILED");
            assertThat(job.path("reason").asText()).isEqualTo("TOLERANCE_EXCEEDED");
        }
        if (skipped > 0) {
            assertThat(job.path("reason").asText())
                    .as("only a stop skips items here")
                    .isEqualTo("TOLERANCE_EXCEEDED");
        }
        // I4: an event per close, those of the last close with its counts.
        assertThat(job.path("completedEvents").asLong())
                .as("I4: an event per close")
                .isGreaterThanOrEqualTo(job.path("close").asLong());
        if (!schedule.answersMayBeLost()) {
            assertThat(job.path("completedEvents").asLong())
                    .as("I4: one event per close")
                    .isEqualTo(job.path("close").asLong());
        }
        assertThat(job.path("eventsAgree").asBoolean())
                .as("I4: the events carry the counts")
                .isTrue();
    }
}
