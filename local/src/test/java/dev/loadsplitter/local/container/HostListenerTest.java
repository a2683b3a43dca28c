package dev.loadsplitter.local.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loadsplitter.host.HostFrame;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The function JVM's channel takes only the connection that presents the token its JVM got on
 * stdin: other local processes are refused, whatever they send, and cannot hold the port.
 */
class HostListenerTest {

    /** A process that never exits, standing for the JVM given the token. */
    private static Process running() {
        return new Process() {
            @Override
            public java.io.OutputStream getOutputStream() {
                return java.io.OutputStream.nullOutputStream();
            }

            @Override
            public InputStream getInputStream() {
                return InputStream.nullInputStream();
            }

            @Override
            public InputStream getErrorStream() {
                return InputStream.nullInputStream();
            }

            @Override
            public int waitFor() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int exitValue() {
                throw new IllegalThreadStateException("running");
            }

            @Override
            public void destroy() {}

            @Override
            public boolean isAlive() {
                return true;
            }
        };
    }

    private static Socket connect(HostListener listener) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), listener.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void hello(Socket socket, byte[] token) throws IOException {
        HostFrame.write(new DataOutputStream(socket.getOutputStream()), new HostFrame.Hello(token));
    }

    /** The token without its line end, as the JVM sends it after reading its stdin. */
    private static byte[] token(HostListener listener) {
        byte[] line = listener.tokenLine();
        return Arrays.copyOf(line, line.length - 1);
    }

    @Test
    void aForeignConnectionIsRefusedAndTheJvmThatPresentsTheTokenIsTaken() throws Exception {
        try (HostListener listener = HostListener.open("probe")) {
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return listener.await(Duration.ofSeconds(30), running());
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            try (Socket wrongToken = connect(listener);
                    Socket oversized = connect(listener);
                    Socket silent = connect(listener)) {
                hello(wrongToken, "0".repeat(64).getBytes(StandardCharsets.US_ASCII));
                // A frame that, read as a frame, would ask for 2 GB: refused before anything is allocated.
                // One write: the listener may close the connection after its first bytes, and a second
                // write into a closed connection would fail the test with a broken pipe.
                ByteArrayOutputStream frame = new ByteArrayOutputStream();
                DataOutputStream garbage = new DataOutputStream(frame);
                garbage.writeByte(5);
                garbage.writeUTF("");
                garbage.writeLong(0);
                garbage.writeInt(Integer.MAX_VALUE);
                oversized.getOutputStream().write(frame.toByteArray());
                oversized.getOutputStream().flush();

                assertThat(wrongToken.getInputStream().read())
                        .as("the wrong token's connection is closed")
                        .isEqualTo(-1);
                assertThat(oversized.getInputStream().read())
                        .as("the oversized frame's connection is closed")
                        .isEqualTo(-1);
                assertThat(accepted).as("neither was taken").isNotDone();

                Socket jvm = connect(listener);
                hello(jvm, token(listener));
                Socket taken = accepted.get(30, TimeUnit.SECONDS);
                taken.getOutputStream().write(42);
                taken.getOutputStream().flush();

                assertThat(jvm.getInputStream().read())
                        .as("the JVM's own connection is the one taken")
                        .isEqualTo(42);
                assertThat(silent.getInputStream().read())
                        .as("a connection still silent when the JVM's arrived is closed")
                        .isEqualTo(-1);
                assertThat(listener.refused()).isEqualTo(3);
                taken.close();
                jvm.close();
            }
            // The port is asked, not probed with a connect: once closed, the kernel may give the same port
            // number to another process, or to the probe itself as its own source port (a TCP
            // self-connect), and such a connect succeeds with nothing of ours behind it.
            assertThat(listener.listening())
                    .as("once the JVM is connected the port takes nothing more")
                    .isFalse();
        }
    }

    @Test
    void waitingEndsAtOnceWhenTheJvmExitsBeforeConnecting() throws Exception {
        Process exited = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"), "-version")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(exited.waitFor(30, TimeUnit.SECONDS)).isTrue();
        try (HostListener listener = HostListener.open("probe")) {
            assertThatThrownBy(() -> listener.await(Duration.ofMinutes(5), exited))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("The JVM of function probe exited with status 0 before it connected; its output is "
                            + "above.");
        }
    }

    @Test
    void noTokenInTimeNamesTheRefusedConnections() throws Exception {
        try (HostListener listener = HostListener.open("probe");
                Socket stranger = connect(listener)) {
            hello(stranger, "not-the-token".getBytes(StandardCharsets.US_ASCII));
            assertThat(stranger.getInputStream().read()).isEqualTo(-1);

            assertThatThrownBy(() -> listener.await(Duration.ZERO, running()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("The JVM of function probe did not connect within 0 s (1 other local connection was "
                            + "refused for not presenting its token); its output is above.");
        }
    }

    @Test
    void eachListenerHasATokenOfItsOwn() {
        try (HostListener first = HostListener.open("a");
                HostListener second = HostListener.open("b")) {
            assertThat(token(first)).hasSize(64).isNotEqualTo(token(second));
            assertThat(first.tokenLine()).endsWith((byte) '\n');
        }
    }
}
