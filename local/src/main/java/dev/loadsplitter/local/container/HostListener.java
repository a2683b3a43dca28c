package dev.loadsplitter.local.container;

import dev.loadsplitter.host.HostFrame;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loopback port a function JVM connects back to, taking only that JVM: it gets a random token
 * on its stdin and must present it as its first frame ({@link HostFrame.Hello}); any other
 * connection is closed.
 *
 * <p>Why a token and not the port alone: the port is on the JVM's command line, which every local
 * user can read ({@code ps}), and any local process can connect to a loopback port. Why stdin: it is
 * a pipe only the runtime and its child hold, while the command line is public and the environment
 * is the function's own, which Lambda defines and the function reads. A Unix socket in a private
 * directory would do too, but the host's channel is a plain socket stream in both directions,
 * which {@link java.nio.channels.SocketChannel}'s Unix sockets only give through channel streams.
 */
final class HostListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HostListener.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** How long a connection may take to present its token once connected. */
    private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);
    /** How often the wait for the JVM looks whether it is still alive. */
    private static final Duration LIVENESS_CHECK = Duration.ofMillis(100);

    private final ServerSocket server;
    private final String name;
    private final byte[] token;
    private final CompletableFuture<Socket> accepted = new CompletableFuture<>();
    private final Set<Socket> handshaking = ConcurrentHashMap.newKeySet();
    private final AtomicInteger refused = new AtomicInteger();

    private HostListener(ServerSocket server, String name, byte[] token) {
        this.server = server;
        this.name = name;
        this.token = token;
    }

    /**
     * Binds a free loopback port for the JVM of function {@code name} and starts taking connections.
     *
     * @throws UncheckedIOException when no port can be bound
     */
    static HostListener open(String name) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        byte[] token = HexFormat.of().formatHex(bytes).getBytes(StandardCharsets.US_ASCII);
        ServerSocket server;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot bind a loopback port for the JVM of function " + name, e);
        }
        HostListener listener = new HostListener(server, Objects.requireNonNull(name, "name"), token);
        Thread.ofVirtual().name("host-" + name + "-accept").start(listener::acceptAll);
        return listener;
    }

    int port() {
        return server.getLocalPort();
    }

    /** The token the JVM must present, with the line end that ends it on the JVM's stdin. */
    byte[] tokenLine() {
        byte[] line = new byte[token.length + 1];
        System.arraycopy(token, 0, line, 0, token.length);
        line[token.length] = '\n';
        return line;
    }

    /** Whether the port still takes connections: it stops once the JVM's is taken or the listener closes. */
    boolean listening() {
        return !server.isClosed();
    }

    /** Connections refused so far: they did not present the token. */
    int refused() {
        return refused.get();
    }

    /**
     * Waits for the connection that presents the token, then takes no other.
     *
     * @param child the JVM that was given the token: when it exits first, waiting stops at once
     * @throws IllegalStateException when the JVM exits or does not connect within {@code timeout}
     */
    Socket await(Duration timeout, Process child) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                try {
                    return accepted.get(LIVENESS_CHECK.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (!child.isAlive()) {
                        throw new IllegalStateException("The JVM of function " + name + " exited with status "
                                + child.exitValue() + " before it connected; its output is above.");
                    }
                    if (System.nanoTime() - deadline > 0) {
                        throw new IllegalStateException("The JVM of function " + name + " did not connect within "
                                + timeout.toSeconds() + " s" + refusedNote() + "; its output is above.");
                    }
                } catch (ExecutionException e) {
                    throw new IllegalStateException(
                            "Cannot take the connection of function " + name + "'s JVM: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            close();
        }
    }

    private String refusedNote() {
        int count = refused.get();
        return count == 0
                ? ""
                : " (" + count + " other local connection" + (count == 1 ? " was" : "s were")
                        + " refused for not presenting its token)";
    }

    private void acceptAll() {
        while (!accepted.isDone()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    accepted.completeExceptionally(e);
                }
                return;
            }
            handshaking.add(socket);
            Thread.ofVirtual().name("host-" + name + "-hello").start(() -> hello(socket));
        }
    }

    /**
     * Takes {@code socket} when its first frame presents the token; refuses it otherwise. Whoever
     * removes a connection from {@link #handshaking} settles it, this thread or {@link #close()}, so
     * none is both taken and closed.
     */
    private void hello(Socket socket) {
        try {
            socket.setSoTimeout((int) HELLO_TIMEOUT.toMillis());
            // Unbuffered: what the JVM sends after its hello belongs to the reader that takes the connection.
            HostFrame.Hello hello = HostFrame.readHello(new DataInputStream(socket.getInputStream()));
            if (MessageDigest.isEqual(hello.token(), token)) {
                socket.setSoTimeout(0);
                socket.setTcpNoDelay(true);
                if (handshaking.remove(socket) && !accepted.complete(socket)) {
                    refuse(socket);
                }
                return;
            }
        } catch (IOException e) {
            // Not our JVM: it sent something else, too little, or nothing in time.
        }
        if (handshaking.remove(socket)) {
            refuse(socket);
        }
    }

    private void refuse(Socket socket) {
        int count = refused.incrementAndGet();
        closeQuietly(socket);
        log.warn(
                "function {}: refused a connection to its JVM's channel from local port {}: it did not present the "
                        + "JVM's token, so another local process made it ({} refused so far). Nothing was sent to it; "
                        + "if this repeats, look for what on this machine connects to loopback ports.",
                name,
                socket.getPort(),
                count);
    }

    /** Stops taking connections and closes the ones still presenting a token; the accepted one stays open. */
    @Override
    public void close() {
        accepted.cancel(false);
        closeQuietly(server);
        handshaking.forEach(socket -> {
            if (handshaking.remove(socket)) {
                refuse(socket);
            }
        });
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Closing anyway.
        }
    }
}
