package dev.loadsplitter.host;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The runtime's end of a host channel, in process: {@link HostFrame#write} writes one whole frame and
 * flushes, so each flush is decoded into one frame and queued for the test to take.
 */
final class FrameCapture extends OutputStream {

    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final LinkedBlockingQueue<HostFrame> frames = new LinkedBlockingQueue<>();

    /** A channel whose frames this captures. */
    HostChannel channel() {
        return new HostChannel(new DataOutputStream(this));
    }

    @Override
    public synchronized void write(int b) {
        pending.write(b);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        pending.write(bytes, offset, length);
    }

    @Override
    public synchronized void flush() {
        if (pending.size() == 0) {
            return;
        }
        try {
            frames.add(HostFrame.read(new DataInputStream(new ByteArrayInputStream(pending.toByteArray()))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pending.reset();
    }

    /** The next frame the host sent, waiting for the handler that sends it; fails after 10 s. */
    HostFrame next() throws InterruptedException {
        HostFrame frame = frames.poll(10, TimeUnit.SECONDS);
        if (frame == null) {
            throw new AssertionError("no frame from the host within 10 s");
        }
        return frame;
    }

    /** The next frame of {@code type}, skipping others (log events, say). */
    <T extends HostFrame> T next(Class<T> type) throws InterruptedException {
        while (true) {
            HostFrame frame = next();
            if (type.isInstance(frame)) {
                return type.cast(frame);
            }
        }
    }

    /** Frames sent and not yet taken. */
    java.util.List<HostFrame> drain() {
        java.util.List<HostFrame> rest = new java.util.ArrayList<>();
        frames.drainTo(rest);
        return rest;
    }
}
