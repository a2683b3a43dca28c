package dev.loadsplitter.local.report;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A self-contained HTML page (inline SVG, no scripts from anywhere) with one bar per invocation
 * over time, coloured by what it did, a line where the serial estimate would end, and the summary.
 */
public final class TimelinePage {

    private static final int WIDTH = 1000;
    private static final int LEFT = 70;
    private static final int BAR = 12;
    private static final int GAP = 3;
    private static final int MAX_ROWS = 2_000;

    private TimelinePage() {}

    public static String render(List<InvocationRecord> records, RunSummary summary, String title) {
        return render(records, summary, title, Optional.empty());
    }

    /**
     * @param jobCompletedAt when the job's last item was accounted for, marked on the chart
     */
    public static String render(
            List<InvocationRecord> records, RunSummary summary, String title, Optional<Instant> jobCompletedAt) {
        List<InvocationRecord> sorted = records.stream()
                .sorted(Comparator.comparing(InvocationRecord::start))
                .toList();
        List<InvocationRecord> shown = sorted.size() > MAX_ROWS ? sorted.subList(0, MAX_ROWS) : sorted;
        Instant origin = sorted.isEmpty()
                ? Instant.EPOCH
                : sorted.getFirst()
                        .start()
                        .minus(sorted.getFirst().initDuration().orElse(Duration.ZERO));
        // Show the serial estimate to scale when it is within 6x the run; beyond that it would squash the bars.
        boolean serialFits = summary.serialEstimateMs() <= 6 * Math.max(1, summary.elapsedMs());
        double spanMs = Math.max(
                1, serialFits ? Math.max(summary.elapsedMs(), summary.serialEstimateMs()) : summary.elapsedMs() * 1.05);
        double scale = (WIDTH - LEFT - 20) / spanMs;
        int height = 40 + shown.size() * (BAR + GAP) + 30;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"invocation timeline\">%n",
                WIDTH,
                height));
        axis(svg, spanMs, scale, height);
        int y = 30;
        for (InvocationRecord record : shown) {
            double init = record.initDuration().map(Duration::toNanos).orElse(0L) / 1e6;
            double start = Duration.between(origin, record.start()).toNanos() / 1e6;
            double length = Math.max(record.duration().toNanos() / 1e6 * scale, 1.5);
            if (init > 0) {
                svg.append(String.format(
                        Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" class=\"init\"/>%n",
                        LEFT + (start - init) * scale,
                        y,
                        Math.max(init * scale, 1),
                        BAR));
            }
            svg.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" class=\"%s\"><title>%s %s: %s</title></rect>%n",
                    LEFT + start * scale,
                    y,
                    length,
                    BAR,
                    record.kind().name().toLowerCase(Locale.ROOT),
                    record.kind().name().toLowerCase(Locale.ROOT),
                    record.requestId(),
                    escape(describe(record))));
            y += BAR + GAP;
        }
        if (summary.serialEstimateMs() > 0 && !serialFits) {
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"16\" class=\"serial-label\" text-anchor=\"end\">serial estimate %.1f s: "
                            + "off the chart, %.0fx the run &#8594;</text>%n",
                    WIDTH - 20,
                    summary.serialEstimateMs() / 1000.0,
                    summary.speedup()));
        }
        if (summary.serialEstimateMs() > 0 && serialFits) {
            double x = LEFT + summary.serialEstimateMs() * scale;
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"20\" x2=\"%.1f\" y2=\"%d\" class=\"serial\"/>"
                            + "<text x=\"%.1f\" y=\"16\" class=\"serial-label\" text-anchor=\"end\">serial estimate %.1f s</text>%n",
                    x,
                    x,
                    height - 25,
                    x,
                    summary.serialEstimateMs() / 1000.0));
        }
        jobCompletedAt.ifPresent(at -> {
            double x = LEFT + Math.min(spanMs, Duration.between(origin, at).toNanos() / 1e6) * scale;
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"20\" x2=\"%.1f\" y2=\"%d\" class=\"completed\"/>"
                            + "<text x=\"%.1f\" y=\"%d\" class=\"completed-label\">job completed %.2f s</text>%n",
                    x,
                    x,
                    height - 25,
                    x + 4,
                    height - 28,
                    Duration.between(origin, at).toMillis() / 1000.0));
        });
        svg.append("</svg>\n");
        String note = sorted.size() > shown.size()
                ? "<p class=\"note\">Showing the first " + shown.size() + " of " + sorted.size() + " invocations.</p>"
                : "";
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <title>Load Splitter run: %1$s</title>
                <style>
                  body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1d1d1f; }
                  h1 { font-size: 20px; margin: 0 0 4px; }
                  .sub { color: #555; margin: 0 0 16px; }
                  table { border-collapse: collapse; margin: 12px 0 20px; }
                  td { padding: 2px 14px 2px 0; }
                  td.n { text-align: right; font-variant-numeric: tabular-nums; font-weight: 600; }
                  .legend span { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 14px; vertical-align: -1px; }
                  rect.split, .legend .split { fill: #d9822b; background: #d9822b; }
                  rect.process, .legend .process { fill: #2b7bd9; background: #2b7bd9; }
                  rect.failed, .legend .failed { fill: #c62828; background: #c62828; }
                  rect.ignored, rect.invalid, .legend .other { fill: #9e9e9e; background: #9e9e9e; }
                  rect.dead_letter, .legend .dead { fill: #4a148c; background: #4a148c; }
                  line.completed { stroke: #2e7d32; stroke-width: 2; }
                  text.completed-label { fill: #2e7d32; font-size: 12px; }
                  rect.init, .legend .init { fill: #cfd8dc; background: #cfd8dc; }
                  line.serial { stroke: #6a1b9a; stroke-width: 2; stroke-dasharray: 6 4; }
                  text.serial-label { fill: #6a1b9a; font-size: 12px; }
                  line.tick { stroke: #e0e0e0; }
                  polyline.concurrency { fill: none; stroke: #2b7bd9; stroke-width: 1.5; }
                  text.tick { fill: #666; font-size: 11px; }
                  .note { color: #555; }
                </style>
                </head>
                <body>
                <h1>Load Splitter run: %1$s</h1>
                <p class="sub">%2$,d invocations in %3$.2f s, against a serial estimate of %4$.2f s (%5$.2fx faster): the processing time measured in this run, as if one invocation did it all.</p>
                <table>
                <tr><td>invocations</td><td class="n">%2$,d</td><td>sub-tasks delivered</td><td class="n">%7$,d</td></tr>
                <tr><td>items processed</td><td class="n">%8$,d</td><td>failed</td><td class="n">%9$,d</td></tr>
                <tr><td>dead-lettered</td><td class="n">%10$,d</td><td>cold starts</td><td class="n">%11$,d</td></tr>
                <tr><td>peak concurrency</td><td class="n">%12$,d</td><td>speedup</td><td class="n">%5$.2fx</td></tr>
                </table>
                <p class="legend"><span class="split"></span>split <span class="process"></span>process <span class="failed"></span>failed <span class="dead"></span>dead-lettered, counted and parked <span class="other"></span>ignored or invalid <span class="init"></span>cold-start initialisation</p>
                %15$s%13$s%14$s</body>
                </html>
                """.formatted(
                        escape(title),
                        summary.invocations(),
                        summary.elapsedMs() / 1000.0,
                        summary.serialEstimateMs() / 1000.0,
                        summary.speedup(),
                        "",
                        summary.subTasks(),
                        summary.itemsProcessed(),
                        summary.failed(),
                        summary.deadLettered(),
                        summary.coldStarts(),
                        summary.peakConcurrency(),
                        svg,
                        note,
                        concurrencyChart(sorted, origin, spanMs, scale));
    }

    /** Height of the concurrency chart's plot area. */
    private static final int CHART = 120;

    /**
     * Concurrency over time: the number of invocations running (initialisation included) at each
     * moment, as a step line, so a ramp (AWS's scaling) shows as the slope it is.
     */
    static String concurrencyChart(List<InvocationRecord> records, Instant origin, double spanMs, double scale) {
        if (records.isEmpty()) {
            return "";
        }
        java.util.TreeMap<Double, Integer> steps = new java.util.TreeMap<>();
        for (InvocationRecord record : records) {
            double start = Duration.between(origin, record.start()).toNanos() / 1e6
                    - record.initDuration().map(Duration::toNanos).orElse(0L) / 1e6;
            double end = Duration.between(origin, record.end()).toNanos() / 1e6;
            steps.merge(start, 1, Integer::sum);
            steps.merge(end, -1, Integer::sum);
        }
        int running = 0;
        int peak = 0;
        StringBuilder points = new StringBuilder();
        int previous = 0;
        for (var step : steps.entrySet()) {
            running += step.getValue();
            peak = Math.max(peak, running);
        }
        double yScale = CHART / (double) Math.max(1, peak);
        int top = 20;
        for (var step : steps.entrySet()) {
            double x = LEFT + step.getKey() * scale;
            int now = previous + step.getValue();
            points.append(String.format(
                    Locale.ROOT,
                    "%.1f,%.1f %.1f,%.1f ",
                    x,
                    top + CHART - previous * yScale,
                    x,
                    top + CHART - now * yScale));
            previous = now;
        }
        int height = top + CHART + 30;
        StringBuilder svg = new StringBuilder(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\" "
                        + "aria-label=\"concurrency over time\">%n",
                WIDTH,
                height));
        axis(svg, spanMs, scale, height);
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"4\" y=\"%d\" class=\"tick\">%,d</text><text x=\"4\" y=\"%d\" class=\"tick\">0</text>%n"
                        + "<text x=\"4\" y=\"14\" class=\"tick\">running invocations</text>%n"
                        + "<polyline points=\"%s\" class=\"concurrency\"/>%n</svg>%n",
                top + 10,
                peak,
                top + CHART,
                points.toString().trim()));
        return svg.toString();
    }

    private static void axis(StringBuilder svg, double spanMs, double scale, int height) {
        double step = niceStep(spanMs / 8);
        for (double t = 0; t <= spanMs + 1e-9; t += step) {
            double x = LEFT + t * scale;
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"22\" x2=\"%.1f\" y2=\"%d\" class=\"tick\"/>"
                            + "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%s</text>%n",
                    x,
                    x,
                    height - 25,
                    x,
                    height - 10,
                    step >= 1000
                            ? String.format(Locale.ROOT, "%.0f s", t / 1000)
                            : String.format(Locale.ROOT, "%.1f s", t / 1000)));
        }
    }

    private static double niceStep(double raw) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1))));
        for (double factor : new double[] {1, 2, 5, 10}) {
            if (raw <= factor * magnitude) {
                return factor * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String describe(InvocationRecord record) {
        StringBuilder text = new StringBuilder(
                String.format(Locale.ROOT, "%.1f ms", record.duration().toNanos() / 1e6));
        if (record.itemsProcessed() > 0) {
            text.append(", processed ").append(record.itemsProcessed());
        }
        if (record.itemsSplit() > 0) {
            text.append(", split ").append(record.itemsSplit());
        }
        record.error().ifPresent(error -> text.append(", ").append(error));
        return text.toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
