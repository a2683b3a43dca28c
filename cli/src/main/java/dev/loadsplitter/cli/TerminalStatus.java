package dev.loadsplitter.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A live progress line at the bottom of a terminal. Log lines printed through {@link #print}
 * first clear it, and it is redrawn a moment later; off a terminal it does nothing.
 */
final class TerminalStatus {

    private final PrintStream err;
    private final boolean enabled;
    private final long startNanos = System.nanoTime();
    private volatile Thread painter;
    private boolean shown;
    private PrintStream originalOut;
    private PrintStream originalErr;

    private TerminalStatus(PrintStream err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    static TerminalStatus onTerminal(PrintStream err) {
        String term = System.getenv("TERM");
        return new TerminalStatus(err, System.console() != null && term != null && !term.equals("dumb"));
    }

    /** Prints through {@code printer}, clearing the progress line first. */
    synchronized <T> void print(Consumer<T> printer, T value) {
        clear();
        printer.accept(value);
    }

    void start(Supplier<String> line) {
        if (!enabled) {
            return;
        }
        // Every other writer (the function's logs, the runtime's warnings) clears the line first too.
        PrintStream clearing = new PrintStream(
                new OutputStream() {
                    @Override
                    public void write(int b) {
                        synchronized (TerminalStatus.this) {
                            clear();
                            err.write(b);
                        }
                    }

                    @Override
                    public void write(byte[] bytes, int offset, int length) {
                        synchronized (TerminalStatus.this) {
                            clear();
                            err.write(bytes, offset, length);
                        }
                    }
                },
                true,
                StandardCharsets.UTF_8);
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(clearing);
        System.setErr(clearing);
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
