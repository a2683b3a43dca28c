package dev.loadsplitter.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the host's main does besides connecting: reading its token, and serving the runtime's frames. */
class HostMainTest {

    private static InputStream stdin(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theTokenIsTheFirstLineOfStdinAndNothingAfterItIsTaken() throws Exception {
        InputStream in = stdin("0123abcd\nthe function's own input");

        assertThat(new String(HostMain.readToken(in), StandardCharsets.US_ASCII))
                .isEqualTo("0123abcd");
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("the function's own input");
    }

    @Test
    void aTokenWithoutItsLineEndIsStillTheToken() throws Exception {
        assertThat(HostMain.readToken(stdin("abc"))).isEqualTo("abc".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void noTokenOrAnOverlongOneSaysWhoStartsThisJvm() {
        assertThatThrownBy(() -> HostMain.readToken(stdin("")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("No host token on stdin. This JVM is started by the local runtime (load-splitter run or "
                        + "serve), which writes the token there; do not start it by hand.");
        assertThatThrownBy(() -> HostMain.readToken(stdin("x".repeat(HostFrame.MAX_TOKEN_BYTES + 1) + "\n")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("The first line of stdin is longer than a host token (64 bytes).");
    }

    private static DataInputStream frames(HostFrame... frames) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        for (HostFrame frame : frames) {
            HostFrame.write(out, frame);
        }
        return new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    }

    @Test
    void servingRunsEachInvocationAndReturnsWhenTheRuntimeCloses() throws Exception {
        FrameCapture runtime = new FrameCapture();
        HostChannel channel = runtime.channel();
        Containers containers = new Containers(
                "dev.loadsplitter.host.fixture.EchoHandler::handleRequest",
                HostMainTest.class.getClassLoader(),
                channel,
                new FunctionOutput(channel),
                HostMain.installLogger(channel));

        HostMain.serve(
                frames(new HostFrame.Invoke(
                        1,
                        "req-1",
                        30_000,
                        "arn:aws:lambda:us-east-1:000000000000:function:echo",
                        "",
                        "{\"name\":\"a\"}".getBytes(StandardCharsets.UTF_8))),
                containers);

        HostFrame.Result result = runtime.next(HostFrame.Result.class);
        assertThat(result.requestId()).isEqualTo("req-1");
        assertThat(result.kind()).isEqualTo(HostFrame.Kind.SUCCESS);
    }

    @Test
    void aFrameOnlyTheHostSendsIsRefused() throws Exception {
        FrameCapture runtime = new FrameCapture();
        HostChannel channel = runtime.channel();
        Containers containers = new Containers(
                "dev.loadsplitter.host.fixture.EchoHandler::handleRequest",
                HostMainTest.class.getClassLoader(),
                channel,
                new FunctionOutput(channel),
                HostMain.installLogger(channel));

        assertThatThrownBy(() -> HostMain.serve(frames(new HostFrame.Initialised("req-1", 1)), containers))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the runtime sent a frame the host does not take: Initialised");
    }
}
