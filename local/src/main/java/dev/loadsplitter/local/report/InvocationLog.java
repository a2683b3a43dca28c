package dev.loadsplitter.local.report;

import dev.loadsplitter.local.container.InvocationListener;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Objects;

/**
 * Prints each invocation's start and end the way CloudWatch Logs shows Lambda's
 * {@code START}, {@code END} and {@code REPORT} lines, with what the invocation did added to
 * {@code END}. Lines are printed whole, so concurrent invocations do not interleave within a line.
 */
public final class InvocationLog implements InvocationListener {

    private final PrintStream out;
    private final int memoryMb;

    public InvocationLog(PrintStream out, int memoryMb) {
        this.out = Objects.requireNonNull(out, "out");
        this.memoryMb = memoryMb;
    }

    @Override
    public void started(Started started) {
        out.println("START RequestId: " + started.requestId() + " Version: $LATEST Trigger: "
                + started.trigger().name().toLowerCase(Locale.ROOT) + (started.coldStart() ? " (cold start)" : ""));
    }

    /** Prints the END and REPORT lines of a finished invocation. */
    public void ended(InvocationRecord record) {
        StringBuilder end = new StringBuilder("END RequestId: ")
                .append(record.requestId())
                .append(" Kind: ")
                .append(record.kind().name().toLowerCase(Locale.ROOT));
        if (record.records() > 0) {
            end.append(" Records: ").append(record.records());
            if (record.failedRecords() > 0) {
                end.append(" (").append(record.failedRecords()).append(" failed)");
            }
        }
        if (record.itemsProcessed() > 0) {
            end.append(" Processed: ").append(record.itemsProcessed());
        }
        if (record.itemsSplit() > 0) {
            end.append(" Split: ").append(record.itemsSplit());
        }
        if (record.subTasks() > 0) {
            end.append(" SubTasks: ").append(record.subTasks());
        }
        record.error().ifPresent(error -> end.append(" Error: ").append(error));
        double millis = record.duration().toNanos() / 1e6;
        StringBuilder report = new StringBuilder(String.format(
                Locale.ROOT,
                "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB",
                record.requestId(),
                millis,
                (long) Math.ceil(millis),
                memoryMb));
        record.initDuration()
                .ifPresent(init ->
                        report.append(String.format(Locale.ROOT, "\tInit Duration: %.2f ms", init.toNanos() / 1e6)));
        out.println(end + System.lineSeparator() + report);
    }
}
