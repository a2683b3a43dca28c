package dev.loadsplitter.host;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The function's {@code System.out} and {@code System.err}: each line becomes one log event of the
 * request whose thread wrote it, as Lambda turns each line of stdout into one event. Each thread
 * gathers its own line, so lines of concurrent containers never mix.
 */
final class FunctionOutput extends OutputStream {

    private final HostChannel channel;
    private final ThreadLocal<ByteArrayOutputStream> line = ThreadLocal.withInitial(ByteArrayOutputStream::new);

    FunctionOutput(HostChannel channel) {
        this.channel = channel;
    }

    /** Replaces stdout and stderr with streams that forward whole lines. */
    static FunctionOutput install(HostChannel channel) {
        FunctionOutput output = new FunctionOutput(channel);
        System.setOut(new PrintStream(output, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(output, true, StandardCharsets.UTF_8));
        return output;
    }

    @Override
    public void write(int b) {
        if (b == '\n') {
            endLine();
        } else {
            line.get().write(b);
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        int start = offset;
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] == '\n') {
                line.get().write(bytes, start, i - start);
                endLine();
                start = i + 1;
            }
        }
        line.get().write(bytes, start, offset + length - start);
    }

    /** Sends what this thread wrote without a final newline, at the end of its invocation. */
    void flushThread() {
        if (line.get().size() > 0) {
            endLine();
        }
        line.remove();
    }

    private void endLine() {
        ByteArrayOutputStream buffer = line.get();
        byte[] bytes = buffer.toByteArray();
        buffer.reset();
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\r') {
            length--;
        }
        channel.send(new HostFrame.Log(
                Containers.currentRequest(), System.currentTimeMillis(), Arrays.copyOf(bytes, length)));
    }
}
