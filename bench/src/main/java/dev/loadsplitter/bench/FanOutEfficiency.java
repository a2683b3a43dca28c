package dev.loadsplitter.bench;

import dev.loadsplitter.local.report.InvocationRecord;
import dev.loadsplitter.local.report.RunSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** b) Fan-out efficiency: a whole local run of 1-second items at concurrency 1,000, wall time ÷ ideal. */
final class FanOutEfficiency {

    private final Measurements measurements;

    FanOutEfficiency(Measurements measurements) {
        this.measurements = measurements;
    }

    void measure() throws Exception {
        for (int size : List.of(1_000, 10_000)) {
            List<InvocationRecord> records = new ArrayList<>();
            RunSummary summary =
                    LocalRun.run(Events.createTags(size, "fanout-" + size), Duration.ofSeconds(1), 1_000, records);
            double ideal = Math.ceil(size / 1_000.0) * 1_000;
            measurements.add(
                    "b) fan-out",
                    String.format(Locale.ROOT, "%,d × 1 s at concurrency 1,000, wall ÷ ideal", size),
                    Measurements.ratio(summary.elapsedMs() / ideal),
                    String.format(
                            Locale.ROOT,
                            "wall %,d ms, ideal %,.0f ms, %,d invocations; %s; goal ≤ 1.10",
                            summary.elapsedMs(),
                            ideal,
                            summary.invocations(),
                            LocalRun.phases(records)),
                    "fanout_" + size + "_wall_over_ideal",
                    summary.elapsedMs() / ideal);
        }
    }
}
