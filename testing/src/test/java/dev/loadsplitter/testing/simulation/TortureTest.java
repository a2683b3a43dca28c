package dev.loadsplitter.testing.simulation;

import dev.loadsplitter.engine.config.LedgerTolerance;
import dev.loadsplitter.engine.config.SplitPolicy;
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
            @ForAll @LongRange(min = 1) long seed) {
        run(items, maxItemsPerTask, fanOut, batchSize, maxReceiveCount, faultPercent, poisonItems, seed);
    }

    static void run(
            int items,
            int maxItemsPerTask,
            int fanOut,
            int batchSize,
            int maxReceiveCount,
            int faultPercent,
            int poisonItems,
            long seed) {
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
                Duration.ofDays(4),
                batchSize,
                8,
                Duration.ofMillis(50 + seed % 400),
                Duration.ofDays(33),
                Duration.ofDays(1),
                LedgerTolerance.none(),
                Duration.ofHours(1),
                faults,
                seed,
                400_000);
        Numbers work = new Numbers(poison);
        Simulation<?> simulation = new Simulation<>(work, settings);
        byte[] event = Numbers.event(items);
        String jobId = JobIds.derive(readTree(event));
        Simulation.Outcome outcome = simulation.run(event);
        if (outcome.ledger().job(jobId).isEmpty()) {
            // The original event failed every attempt before it opened its job: it waits in the failed-events
            // destination, and a redrive runs it.
            outcome = simulation.redrive();
        }
        Invariants.check(outcome, jobId, items, work, poison, faults);
        if (!outcome.parked().isEmpty() && poison.isEmpty()) {
            // A redrive of the dead letters reopens the job, and it closes again.
            outcome = simulation.redrive();
            Invariants.check(outcome, jobId, items, work, poison, faults);
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode readTree(byte[] event) {
        try {
            return dev.loadsplitter.engine.internal.json.EventJson.shared().readTree(event);
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
                Long.parseLong(v[7]));
    }
}
