package dev.loadsplitter.bench;

import dev.loadsplitter.local.report.InvocationRecord;
import dev.loadsplitter.local.report.RunSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Not in "all" (a minute, 1.4 GB of heap): how long a 100,000-item task takes to be split in full,
 * in levels of at most FAN_OUT_LIMIT, against one invocation queuing FAN_OUT_LIMIT sub-tasks.
 */
final class HundredThousandSplit {

    private final Measurements measurements;

    HundredThousandSplit(Measurements measurements) {
        this.measurements = measurements;
    }

    void measure() throws Exception {
        List<InvocationRecord> records = new ArrayList<>();
        RunSummary summary = LocalRun.run(Events.createTags(100_000, "split-100000"), Duration.ZERO, 1_000, records);
        measurements.add(
                "b) fan-out",
                "100,000 × 0 s at concurrency 1,000",
                Measurements.millis(summary.elapsedMs()),
                String.format(Locale.ROOT, "%,d invocations; %s", summary.invocations(), LocalRun.phases(records)),
                "fanout_100000_wall_ms",
                summary.elapsedMs());
    }
}
