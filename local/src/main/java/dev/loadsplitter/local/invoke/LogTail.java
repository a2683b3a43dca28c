package dev.loadsplitter.local.invoke;

import dev.loadsplitter.local.container.FunctionRuntime;
import dev.loadsplitter.local.report.InvocationLog;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

/**
 * One invocation's log as the Invoke API returns it for {@code LogType=Tail}: its {@code START}
 * line, its function's log events and its {@code END} and {@code REPORT} lines, of which the last
 * 4 KB, base64-encoded, go in {@code X-Amz-Log-Result}.
 *
 * @see <a href="https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html">Invoke</a> (read 2026-11-26)
 */
final class LogTail implements FunctionRuntime.Observer {

    /** Lambda returns the last 4 KB of the log. */
    static final int TAIL_BYTES = 4 * 1024;

    private final int memoryMb;
    private final StringBuilder log = new StringBuilder();

    LogTail(int memoryMb) {
        this.memoryMb = memoryMb;
    }

    @Override
    public synchronized void started(Started started) {
        line(InvocationLog.startLine(started.requestId()));
    }

    @Override
    public synchronized void event(String requestId, Instant at, String message) {
        line(message);
    }

    @Override
    public synchronized void finished(Finished finished) {
        String requestId = finished.started().requestId();
        line(InvocationLog.endLine(requestId));
        line(InvocationLog.reportLine(requestId, finished.duration(), finished.initDuration(), memoryMb));
    }

    private void line(String text) {
        log.append(text).append('\n');
    }

    /** The last 4 KB of the log, base64-encoded. */
    synchronized String result() {
        byte[] bytes = log.toString().getBytes(StandardCharsets.UTF_8);
        byte[] tail =
                bytes.length <= TAIL_BYTES ? bytes : Arrays.copyOfRange(bytes, bytes.length - TAIL_BYTES, bytes.length);
        return Base64.getEncoder().encodeToString(tail);
    }
}
