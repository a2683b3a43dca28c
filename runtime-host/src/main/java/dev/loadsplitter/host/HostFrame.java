package dev.loadsplitter.host;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Objects;

/**
 * The frames the local runtime and a function's host JVM exchange over their loopback socket: the
 * one home of that format. Each frame is a type byte and its fields, written with {@link
 * DataOutputStream}; byte arrays carry their length first.
 *
 * <p>The host's first frame is a {@link Hello} carrying the token the runtime gave it on its
 * stdin: the port is on the host's command line, which every local user can read, so the runtime
 * takes the connection that presents the token and refuses any other.
 */
public sealed interface HostFrame {

    /** The system property that tells the host which loopback port to connect to. */
    String PORT_PROPERTY = "loadsplitter.host.port";

    /** The longest token a {@link Hello} may carry; a longer one is refused before it is read. */
    int MAX_TOKEN_BYTES = 64;

    /** The type byte of {@link Hello}. */
    int HELLO = 6;

    /**
     * Host to runtime, the first frame: the token the runtime wrote to the host's stdin, proof that
     * the connection comes from the JVM it started.
     */
    record Hello(byte[] token) implements HostFrame {
        public Hello {
            Objects.requireNonNull(token, "token");
            if (token.length == 0 || token.length > MAX_TOKEN_BYTES) {
                throw new IllegalArgumentException(
                        "a host token has 1 to " + MAX_TOKEN_BYTES + " bytes, got " + token.length);
            }
        }
    }

    /**
     * Runtime to host: run one invocation in {@code container}, initialising it first when new.
     *
     * @param traceHeader the invocation's X-Ray trace header ({@code Root=…;Parent=…;Sampled=0})
     */
    record Invoke(
            int container, String requestId, long timeoutMillis, String functionArn, String traceHeader, byte[] payload)
            implements HostFrame {
        public Invoke {
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(functionArn, "functionArn");
            Objects.requireNonNull(traceHeader, "traceHeader");
            Objects.requireNonNull(payload, "payload");
        }
    }

    /** Runtime to host: throw a container away, interrupting what it runs (a timeout, a crash). */
    record Discard(int container) implements HostFrame {}

    /** Host to runtime: a new container finished initialising (or failed to) for this invocation. */
    record Initialised(String requestId, long initNanos) implements HostFrame {}

    /** Host to runtime: an invocation's outcome; the body is the response, or Lambda's error object. */
    record Result(String requestId, Kind kind, byte[] body) implements HostFrame {
        public Result {
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(body, "body");
        }
    }

    /** How an invocation ended. */
    enum Kind {
        /** The handler returned; the body is its serialised response. */
        SUCCESS,
        /** The handler threw; the body is {@code {"errorMessage","errorType","stackTrace"}}. */
        ERROR,
        /** The container could not be initialised; the body is the error object, and the container is gone. */
        INIT_ERROR
    }

    /**
     * Host to runtime: one log event, a whole {@code LambdaLogger} call or one line of stdout or
     * stderr, with the request it belongs to ({@code ""} when none) and when it was written.
     */
    record Log(String requestId, long epochMillis, byte[] message) implements HostFrame {
        public Log {
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(message, "message");
        }
    }

    /** Writes one frame; callers on several threads synchronise on {@code out}. */
    static void write(DataOutputStream out, HostFrame frame) throws IOException {
        switch (frame) {
            case Invoke invoke -> {
                out.writeByte(1);
                out.writeInt(invoke.container());
                out.writeUTF(invoke.requestId());
                out.writeLong(invoke.timeoutMillis());
                out.writeUTF(invoke.functionArn());
                out.writeUTF(invoke.traceHeader());
                writeBytes(out, invoke.payload());
            }
            case Discard discard -> {
                out.writeByte(2);
                out.writeInt(discard.container());
            }
            case Initialised initialised -> {
                out.writeByte(3);
                out.writeUTF(initialised.requestId());
                out.writeLong(initialised.initNanos());
            }
            case Result result -> {
                out.writeByte(4);
                out.writeUTF(result.requestId());
                out.writeByte(result.kind().ordinal());
                writeBytes(out, result.body());
            }
            case Log log -> {
                out.writeByte(5);
                out.writeUTF(log.requestId());
                out.writeLong(log.epochMillis());
                writeBytes(out, log.message());
            }
            case Hello hello -> {
                out.writeByte(HELLO);
                out.writeByte(hello.token().length);
                out.write(hello.token());
            }
        }
        out.flush();
    }

    /**
     * Reads the first frame of a connection that is not yet trusted: a {@link Hello} and nothing
     * else, its length checked before anything is allocated, so a stranger cannot make the runtime
     * read a frame of gigabytes.
     *
     * @throws IOException when the connection sends anything but a well-formed {@link Hello}
     */
    static Hello readHello(DataInputStream in) throws IOException {
        int type = in.readByte();
        if (type != HELLO) {
            throw new IOException("the first frame is of type " + type + ", not the host's hello (" + HELLO + ")");
        }
        int length = in.readUnsignedByte();
        if (length == 0 || length > MAX_TOKEN_BYTES) {
            throw new IOException("a hello of " + length + " bytes; a token has 1 to " + MAX_TOKEN_BYTES);
        }
        byte[] token = in.readNBytes(length);
        if (token.length < length) {
            throw new EOFException("hello ended after " + token.length + " of " + length + " bytes");
        }
        return new Hello(token);
    }

    /** Reads the next frame, or throws {@link EOFException} when the other side has closed. */
    static HostFrame read(DataInputStream in) throws IOException {
        int type = in.readByte();
        return switch (type) {
            case 1 -> new Invoke(in.readInt(), in.readUTF(), in.readLong(), in.readUTF(), in.readUTF(), readBytes(in));
            case 2 -> new Discard(in.readInt());
            case 3 -> new Initialised(in.readUTF(), in.readLong());
            case 4 -> new Result(in.readUTF(), kind(in.readByte()), readBytes(in));
            case 5 -> new Log(in.readUTF(), in.readLong(), readBytes(in));
            case HELLO -> {
                byte[] token = in.readNBytes(in.readUnsignedByte());
                try {
                    yield new Hello(token);
                } catch (IllegalArgumentException e) {
                    throw new IOException("malformed hello: " + e.getMessage(), e);
                }
            }
            default -> throw new IOException("unknown host frame type " + type);
        };
    }

    private static Kind kind(int ordinal) throws IOException {
        if (ordinal < 0 || ordinal >= Kind.values().length) {
            throw new IOException("unknown result kind " + ordinal);
        }
        return Kind.values()[ordinal];
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            throw new IOException("negative frame length " + length);
        }
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length) {
            throw new EOFException("frame ended after " + bytes.length + " of " + length + " bytes");
        }
        return bytes;
    }
}
