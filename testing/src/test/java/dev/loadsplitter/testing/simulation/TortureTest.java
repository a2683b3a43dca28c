package dev.loadsplitter.testing.simulation;

import dev.loadsplitter.engine.config.LedgerTolerance;
import dev.loadsplitter.engine.internal.split.SplitPolicy;
import dev.loadsplitter.engine.message.JobIds;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The torture test: seeded schedules of the whole pattern with every fault AWS produces, each
 * checked against the ledger's invariants ({@link Invariants}). When one fails, jqwik shrinks it
 * and prints the sample, whose {@code seed} replays it exactly with {@link #replay}.
 */
class TortureTest {

    @Property(tries = 1500, seed = "20261203")
    void everyScheduleKeepsTheLedgerTrue(
            @ForAll @IntRange(min = 1, max = 40) int items,
            @ForAll @IntRange(min = 1, max = 4) int maxItemsPerTask,
            @ForAll @IntRange(min = 2, max = 6) int fanOut,
            @ForAll @IntRange(min = 1, max = 4) int batchSize,
            @ForAll @IntRange(min = 1, max = 6) int maxReceiveCount,
            @ForAll @IntRange(min = 0, max = 12) int faultPercent,
            @ForAll @IntRange(min = 0, max = 2) int poisonItems,
            @ForAll @IntRange(min = 0, max = 3) int mode,
            @ForAll @LongRange(min = 1) long seed) {
        try {
            run(items, maxItemsPerTask, fanOut, batchSize, maxReceiveCount, faultPercent, poisonItems, mode, seed);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(
                    "the schedule fails; replay it with ./mvnw -B -pl testing -am test -Dtest=ReplayTest "
                            + "-Dsurefire.failIfNoSpecifiedTests=false -Dsim.trace=/tmp/trace.txt -Dreplay="
                            + String.join(
                                    ",",
                                    java.util.stream.Stream.of(
                                                    items,
                                                    maxItemsPerTask,
                                                    fanOut,
                                                    batchSize,
                                                    maxReceiveCount,
                                                    faultPercent,
                                                    poisonItems,
                                                    mode,
                                                    seed)
                                            .map(String::valueOf)
                                            .toList())
                            + ": " + e.getMessage(),
                    e);
        }
    }

    /** Which rule of the job a schedule also puts to the test. */
    enum Mode {
        /** None beyond the faults. */
        PLAIN,
        /** A tolerance of no failure: a poison item stops the job, which closes FAILED. */
        TOLERANCE,
        /** The job is cancelled at some moment; what had not started is skipped. */
        CANCEL,
        /** Messages outlive their retention: their items are lost to the queue, and the sweep times the job out. */
        RETENTION
    }

    static void run(
            int items,
            int maxItemsPerTask,
            int fanOut,
            int batchSize,
            int maxReceiveCount,
            int faultPercent,
            int poisonItems,
            int modeIndex,
            long seed) {
        Mode mode = Mode.values()[modeIndex];
        Set<Long> poison = new HashSet<>();
        for (int i = 0; i < Math.min(poisonItems, items); i++) {
            poison.add((seed + 7L * i) % items);
        }
        Faults faults = Faults.all(faultPercent / 100.0);
        SimulationSettings settings = new SimulationSettings(
                new SplitPolicy(maxItemsPerTask, SplitPolicy.SQS_MAX_MESSAGE_BYTES, 8, fanOut),
                Duration.ofSeconds(3),
                Duration.ofSeconds(2 + seed % 6),
                maxReceiveCount,
                mode == Mode.RETENTION ? Duration.ofSeconds(10 + seed % 20) : Duration.ofDays(4),
                batchSize,
                8,
                // Up to 1.2 s an item against a 3 s timeout: tasks of several items run short of time and send
                // themselves again for the rest.
                Duration.ofMillis(50 + seed % 1_150),
                Duration.ofDays(33),
                Duration.ofDays(1),
                mode == Mode.TOLERANCE ? new LedgerTolerance(0, -1) : LedgerTolerance.none(),
                Duration.ofHours(1),
                faults,
                seed,
                400_000,
                mode == Mode.CANCEL
                        ? java.util.Optional.of(Duration.ofMillis(seed % 4_000))
                        : java.util.Optional.empty());
        Numbers work = new Numbers(poison);
        Simulation<?> simulation = new Simulation<>(work, settings);
        try {
            byte[] event = Numbers.event(items);
            String jobId = JobIds.derive(readTree(event));
            Simulation.Outcome outcome = simulation.run(event);
            if (outcome.ledger().job(jobId).isEmpty()) {
                // The original event failed every attempt before it opened its job: it waits in the failed-events
                // destination, and a redrive runs it.
                outcome = simulation.redrive();
            }
            Invariants.check(outcome, jobId, items, work, poison, faults, mode != Mode.RETENTION);
            Invariants.checkRule(outcome, jobId, mode, poison);
            if (!outcome.parked().isEmpty() && poison.isEmpty() && mode == Mode.PLAIN) {
                // A redrive of the dead letters reopens the job, and it closes again.
                outcome = simulation.redrive();
                Invariants.check(outcome, jobId, items, work, poison, faults);
            }
        } catch (AssertionError | RuntimeException e) {
            String where = System.getProperty("sim.trace");
            if (where != null) {
                try {
                    java.nio.file.Files.write(java.nio.file.Path.of(where), simulation.trace());
                } catch (java.io.IOException io) {
                    throw new java.io.UncheckedIOException(io);
                }
            }
            throw e;
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode readTree(byte[] event) {
        try {
            return dev.loadsplitter.engine.message.EventJson.shared().readTree(event);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Replays one schedule by its sample, for a failure's debugging. */
    static void replay(String sample) {
        String[] v = sample.replaceAll("[^0-9,-]", "").split(",");
        run(
                Integer.parseInt(v[0]),
                Integer.parseInt(v[1]),
                Integer.parseInt(v[2]),
                Integer.parseInt(v[3]),
                Integer.parseInt(v[4]),
                Integer.parseInt(v[5]),
                Integer.parseInt(v[6]),
                Integer.parseInt(v[7]),
                Long.parseLong(v[8]));
    }
}
