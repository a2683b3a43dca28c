package dev.loadsplitter.lambda.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Values stay on their line; a stack trace reads as the JDK writes it, one line per frame. */
class LogLinesTest {

    private static String printed(Throwable throwable) {
        StringWriter out = new StringWriter();
        throwable.printStackTrace(new PrintWriter(out));
        return out.toString().stripTrailing();
    }

    private static Throwable nested() {
        IllegalStateException top;
        try {
            try {
                throw new IllegalArgumentException("root cause");
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("wrapped", e);
            }
        } catch (IllegalStateException e) {
            top = e;
        }
        top.addSuppressed(new UnsupportedOperationException("while closing"));
        return top;
    }

    @Test
    void lineEndsInAValueAreWrittenAsEscapes() {
        assertThat(LogLines.escape("job-1\n[ERROR] Forged - line\r\nand \u2028 \u2029 \u0085"))
                .isEqualTo("job-1\\n[ERROR] Forged - line\\r\\nand \\u2028 \\u2029 \\u0085");
        assertThat(LogLines.escape("C:\\temp\\new")).as("backslashes stay").isEqualTo("C:\\temp\\new");
        assertThat(LogLines.escape("plain")).isEqualTo("plain");
        assertThat(LogLines.escape(null)).isEqualTo("null");
    }

    @Test
    void aTraceWithoutLineEndsInItsMessagesIsExactlyTheJdksOwn() {
        Throwable throwable = nested();

        assertThat(LogLines.stackTrace(throwable)).isEqualTo(printed(throwable));
    }

    @Test
    void messagesInsideATraceCannotStartALineOfTheirOwn() {
        Throwable throwable =
                new IllegalStateException("bad\n[INFO] Forged - all is well", new RuntimeException("root\r\ncause"));

        String trace = LogLines.stackTrace(throwable);

        assertThat(trace.lines().toList())
                .first()
                .isEqualTo("java.lang.IllegalStateException: bad\\n[INFO] Forged - all is well");
        assertThat(trace.lines())
                .contains("Caused by: java.lang.RuntimeException: root\\r\\ncause")
                .allSatisfy(
                        line -> assertThat(line)
                                .matches(
                                        "(java\\.lang\\.IllegalStateException: .*|\tat .*|\t\\.\\.\\. \\d+ more|Caused by: .*)"));
    }

    @Test
    void aCycleOfCausesEndsInsteadOfLoopingForEver() {
        IllegalStateException first = new IllegalStateException("first");
        RuntimeException second = new RuntimeException("second", first);
        first.initCause(second);

        assertThat(LogLines.stackTrace(first)).isEqualTo(printed(first));
    }
}
