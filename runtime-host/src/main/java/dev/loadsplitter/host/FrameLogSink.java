package dev.loadsplitter.host;

import com.amazonaws.services.lambda.runtime.api.client.logging.LogSink;
import com.amazonaws.services.lambda.runtime.logging.LogFormat;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;

/**
 * Where the runtime's {@code LambdaLogger} writes: each call is one log event, however many lines
 * it holds, as Lambda's telemetry sink frames it. The formatting (text, or Lambda's JSON with
 * timestamp, level and request id) is the runtime interface client's own.
 */
final class FrameLogSink implements LogSink {

    private final HostChannel channel;

    FrameLogSink(HostChannel channel) {
        this.channel = channel;
    }

    @Override
    public void log(byte[] message) {
        channel.send(new HostFrame.Log(Containers.currentRequest(), System.currentTimeMillis(), strip(message)));
    }

    @Override
    public void log(LogLevel level, LogFormat format, byte[] message) {
        log(message);
    }

    /** The JSON formatter ends each event with a newline; an event is a record, not a line, so it goes. */
    private static byte[] strip(byte[] message) {
        int length = message.length;
        while (length > 0 && (message[length - 1] == '\n' || message[length - 1] == '\r')) {
            length--;
        }
        return length == message.length ? message : java.util.Arrays.copyOf(message, length);
    }

    @Override
    public void close() {}
}
