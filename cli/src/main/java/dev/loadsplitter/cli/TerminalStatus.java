package dev.loadsplitter.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A live progress line at the bottom of a terminal. Log lines written to {@link #stream}, and to
 * {@code System.out} and {@code System.err} while it runs, first clear it, and it is redrawn a
 * moment later; off a terminal it does nothing.
 */
final class TerminalStatus {

    private final PrintStream err;
    private final boolean enabled;
    private final PrintStream stream;
    private final long startNanos = System.nanoTime();
    private volatile Thread painter;
    private boolean shown;
    private PrintStream originalOut;
    private PrintStream originalErr;

    TerminalStatus(PrintStream err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
        this.stream = enabled ? clearing(err) : err;
    }

    /** A stream into {@code target} that clears the progress line before each write. */
    private PrintStream clearing(PrintStream target) {
        return new PrintStream(
                new OutputStream() {
                    @Override
                    public void write(int b) {
                        synchronized (TerminalStatus.this) {
                            clear();
                            target.write(b);
                        }
                    }

                    @Override
                    public void write(byte[] bytes, int offset, int length) {
                        synchronized (TerminalStatus.this) {
                            clear();
                            target.write(bytes, offset, length);
                        }
                    }

                    @Override
                    public void flush() {
                        target.flush();
                    }
                },
                true,
                StandardCharsets.UTF_8);
    }

    static TerminalStatus onTerminal(PrintStream err) {
        String term = System.getenv("TERM");
        return new TerminalStatus(err, System.console() != null && term != null && !term.equals("dumb"));
    }

    /**
     * The stream for log lines: on a terminal, one that clears the progress line before each write,
     * under the lock the painter holds; off a terminal, {@code err} itself. A caller formats its line
     * first and holds no lock of ours meanwhile: a thousand containers log at once.
     */
    PrintStream stream() {
        return stream;
    }

    void start(Supplier<String> line) {
        if (!enabled) {
            return;
        }
        // Every other writer (the function's logs, the runtime's warnings) clears the line first too;
        // stdout keeps going through whatever it went through (run's tee of a function's lines).
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(clearing(originalOut));
        System.setErr(stream);
        painter = Thread.ofPlatform().daemon().name("progress").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                paint(line.get());
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private synchronized void paint(String line) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        err.print(String.format(Locale.ROOT, "\r\033[K[%6.1fs] %s", seconds, line));
        err.flush();
        shown = true;
    }

    private void clear() {
        if (shown) {
            err.print("\r\033[K");
            shown = false;
        }
    }

    void stop() throws InterruptedException {
        Thread running = painter;
        if (running != null) {
            running.interrupt();
            running.join();
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        synchronized (this) {
            clear();
        }
    }
}
