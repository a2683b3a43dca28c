package dev.loadsplitter.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A stream that writes through to another and hands each complete line to a consumer as well:
 * how {@code run} sees the lines a function in the CLI's JVM ({@code --isolation none}) writes to
 * stdout, which a function JVM's frames would otherwise bring it.
 */
final class LineTee extends OutputStream {

    private final OutputStream delegate;
    private final Consumer<String> lines;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    private LineTee(OutputStream delegate, Consumer<String> lines) {
        this.delegate = delegate;
        this.lines = lines;
    }

    static PrintStream around(PrintStream delegate, Consumer<String> lines) {
        return new PrintStream(new LineTee(delegate, lines), true, StandardCharsets.UTF_8);
    }

    /** Tees {@code System.out} until closed; closing puts the stream back unless another replaced it since. */
    static AutoCloseable onStdout(Consumer<String> lines) {
        PrintStream before = System.out;
        PrintStream tee = around(before, lines);
        System.setOut(tee);
        return () -> {
            tee.flush();
            if (System.out == tee) {
                System.setOut(before);
            }
        };
    }

    @Override
    public synchronized void write(int b) {
        delegate(b);
        take(b);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        try {
            delegate.write(bytes, offset, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = offset; i < offset + length; i++) {
            take(bytes[i]);
        }
    }

    @Override
    public synchronized void flush() {
        try {
            delegate.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void delegate(int b) {
        try {
            delegate.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void take(int b) {
        if (b == '\n') {
            String line = pending.toString(StandardCharsets.UTF_8);
            pending.reset();
            lines.accept(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        } else {
            pending.write(b);
        }
    }
}
