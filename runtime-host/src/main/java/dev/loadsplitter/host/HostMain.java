package dev.loadsplitter.host;

import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.api.client.logging.LambdaContextLogger;
import com.amazonaws.services.lambda.runtime.logging.LogFormat;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A function's JVM in the local runtime: started with the function's environment, it loads the
 * function's jar in a class loader whose parent holds only Lambda's runtime (the core API, the
 * serialization library, the runtime interface client), and runs the invocations the runtime sends.
 *
 * <p>Arguments: the handler ({@code package.Class::method}) and the function's jar. The first line
 * of stdin is the token the host presents as its first frame ({@link HostFrame.Hello}), so the
 * runtime knows the connection on its port is this JVM's.
 */
public final class HostMain {

    private HostMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: HostMain HANDLER FUNCTION_JAR");
        }
        int port = Integer.parseInt(
                Objects.requireNonNull(System.getProperty(HostFrame.PORT_PROPERTY), HostFrame.PORT_PROPERTY));
        byte[] token = readToken(System.in);
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        HostChannel channel =
                new HostChannel(new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024)));
        channel.send(new HostFrame.Hello(token));
        FunctionOutput output = FunctionOutput.install(channel);
        LambdaLogger logger = installLogger(channel);
        // As on Lambda: the function's classes come from its jar; the runtime's (system) loader is the parent,
        // so the core API is the runtime's and everything else, events and serializers included, the jar's.
        URLClassLoader functionLoader = new URLClassLoader(
                "function", new URL[] {Path.of(args[1]).toUri().toURL()}, ClassLoader.getSystemClassLoader());
        Thread.currentThread().setContextClassLoader(functionLoader);
        // The runtime's event serializers load aws-lambda-java-events' classes through this loader.
        Field customerLoader = Class.forName("com.amazonaws.services.lambda.runtime.api.client.AWSLambda")
                .getDeclaredField("customerClassLoader");
        customerLoader.setAccessible(true);
        customerLoader.set(null, functionLoader);
        Containers containers = new Containers(args[0], functionLoader, channel, output, logger);
        serve(new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024)), containers);
        // The runtime closed the channel: this environment shuts down, as Lambda's do.
        Runtime.getRuntime().halt(0);
    }

    /**
     * Runs the runtime's frames until it closes the channel: each invocation in its container, each
     * discard at once.
     *
     * @throws IllegalStateException when the runtime sends a frame only the host sends
     */
    static void serve(DataInputStream in, Containers containers) throws IOException {
        try {
            while (true) {
                switch (HostFrame.read(in)) {
                    case HostFrame.Invoke invoke -> containers.invoke(invoke);
                    case HostFrame.Discard discard -> containers.discard(discard.container());
                    case HostFrame other ->
                        throw new IllegalStateException("the runtime sent a frame the host does not take: "
                                + other.getClass().getSimpleName());
                }
            }
        } catch (EOFException e) {
            // The other side closed the channel.
        }
    }

    /**
     * The first line of {@code in}: the token the runtime gives its host. Read a byte at a time, so
     * nothing after the line is taken from the function's stdin.
     *
     * @throws IllegalStateException naming what to do when there is none
     */
    static byte[] readToken(InputStream in) throws IOException {
        ByteArrayOutputStream token = new ByteArrayOutputStream();
        int next;
        while ((next = in.read()) != -1 && next != '\n') {
            if (token.size() == HostFrame.MAX_TOKEN_BYTES) {
                throw new IllegalStateException("The first line of stdin is longer than a host token ("
                        + HostFrame.MAX_TOKEN_BYTES + " bytes). This JVM is started by the local runtime "
                        + "(load-splitter run or serve), which writes the token there; do not start it by hand.");
            }
            token.write(next);
        }
        if (token.size() == 0) {
            throw new IllegalStateException("No host token on stdin. This JVM is started by the local runtime "
                    + "(load-splitter run or serve), which writes the token there; do not start it by hand.");
        }
        return token.toByteArray();
    }

    /**
     * Sets the logger {@code Context.getLogger()} and {@code LambdaRuntime.getLogger()} return, as
     * the runtime interface client's {@code AWSLambda} does, with the format and level from
     * {@code AWS_LAMBDA_LOG_FORMAT} and {@code AWS_LAMBDA_LOG_LEVEL}.
     */
    static LambdaLogger installLogger(HostChannel channel) throws ReflectiveOperationException {
        String format = System.getenv().getOrDefault("AWS_LAMBDA_LOG_FORMAT", "TEXT");
        String level = System.getenv().getOrDefault("AWS_LAMBDA_LOG_LEVEL", "UNDEFINED");
        LambdaContextLogger logger = new LambdaContextLogger(
                new FrameLogSink(channel), LogLevel.fromString(level), LogFormat.fromString(format));
        Field field = Class.forName("com.amazonaws.services.lambda.runtime.LambdaRuntime")
                .getDeclaredField("logger");
        field.setAccessible(true);
        field.set(null, logger);
        return logger;
    }
}
