package dev.loadsplitter.engine.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what is printed to {@code System.out}, where slf4j-simple writes log lines in tests and
 * on Lambda, so a test can assert the one log line that names a problem.
 */
public final class CapturedOutput implements AutoCloseable {

    private final PrintStream original;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    private CapturedOutput() {
        original = System.out;
        System.setOut(new PrintStream(new TeeStream(original, buffer), true, StandardCharsets.UTF_8));
    }

    public static CapturedOutput start() {
        return new CapturedOutput();
    }

    public String text() {
        System.out.flush();
        synchronized (buffer) {
            return buffer.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        System.setOut(original);
    }

    private static final class TeeStream extends java.io.OutputStream {
        private final PrintStream first;
        private final ByteArrayOutputStream second;

        TeeStream(PrintStream first, ByteArrayOutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) {
            first.write(b);
            synchronized (second) {
                second.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            first.write(b, off, len);
            synchronized (second) {
                second.write(b, off, len);
            }
        }
    }
}
