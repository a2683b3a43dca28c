package dev.loadsplitter.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The frames both sides exchange: each one reads back as it was written, and malformed input is refused. */
class HostFrameTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static Stream<HostFrame> everyKindOfFrame() {
        return Stream.of(
                new HostFrame.Invoke(
                        7,
                        "req-1",
                        30_000,
                        "arn:aws:lambda:us-east-1:000000000000:function:f",
                        "Root=1-5e1b4151-5ac6c58f5b5dbd6a1d6a1d6a;Parent=53995c3f42cd8ad8;Sampled=0",
                        bytes("{}")),
                new HostFrame.Invoke(0, "", 0, "", "", new byte[0]),
                new HostFrame.Discard(7),
                new HostFrame.Initialised("req-1", 123_456_789L),
                new HostFrame.Result("req-1", HostFrame.Kind.SUCCESS, bytes("\"ok\"")),
                new HostFrame.Result("req-2", HostFrame.Kind.ERROR, bytes("{\"errorType\":\"x\"}")),
                new HostFrame.Result("req-3", HostFrame.Kind.INIT_ERROR, new byte[0]),
                new HostFrame.Log("req-1", 1_764_000_000_000L, bytes("line one\nline two ü")),
                new HostFrame.Log("", 0, new byte[0]),
                new HostFrame.Hello(bytes("a".repeat(HostFrame.MAX_TOKEN_BYTES))));
    }

    private static byte[] written(HostFrame... frames) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        for (HostFrame frame : frames) {
            HostFrame.write(out, frame);
        }
        return bytes.toByteArray();
    }

    private static DataInputStream input(byte[] bytes) {
        return new DataInputStream(new ByteArrayInputStream(bytes));
    }

    /** Records holding arrays compare them by reference; this compares what they hold. */
    private static String describe(HostFrame frame) {
        return switch (frame) {
            case HostFrame.Invoke f ->
                "Invoke " + f.container() + " " + f.requestId() + " " + f.timeoutMillis() + " " + f.functionArn() + " "
                        + new String(f.payload(), StandardCharsets.UTF_8);
            case HostFrame.Discard f -> "Discard " + f.container();
            case HostFrame.Initialised f -> "Initialised " + f.requestId() + " " + f.initNanos();
            case HostFrame.Result f ->
                "Result " + f.requestId() + " " + f.kind() + " " + new String(f.body(), StandardCharsets.UTF_8);
            case HostFrame.Log f ->
                "Log " + f.requestId() + " " + f.epochMillis() + " " + new String(f.message(), StandardCharsets.UTF_8);
            case HostFrame.Hello f -> "Hello " + new String(f.token(), StandardCharsets.UTF_8);
        };
    }

    @ParameterizedTest
    @MethodSource("everyKindOfFrame")
    void aFrameReadsBackAsItWasWritten(HostFrame frame) throws IOException {
        DataInputStream in = input(written(frame));

        assertThat(describe(HostFrame.read(in))).isEqualTo(describe(frame));
        assertThat(in.read()).as("nothing after the frame").isEqualTo(-1);
    }

    @Test
    void framesOnOneStreamReadBackInOrderThenTheEndOfTheStream() throws IOException {
        HostFrame[] frames = everyKindOfFrame().toArray(HostFrame[]::new);
        DataInputStream in = input(written(frames));

        for (HostFrame frame : frames) {
            assertThat(describe(HostFrame.read(in))).isEqualTo(describe(frame));
        }
        assertThatThrownBy(() -> HostFrame.read(in)).isInstanceOf(EOFException.class);
    }

    @Test
    void anUnknownFrameTypeIsRefusedNamingIt() {
        assertThatThrownBy(() -> HostFrame.read(input(new byte[] {9})))
                .isInstanceOf(IOException.class)
                .hasMessage("unknown host frame type 9");
    }

    @Test
    void anUnknownResultKindIsRefusedNamingIt() throws IOException {
        byte[] frame = written(new HostFrame.Result("r", HostFrame.Kind.SUCCESS, new byte[0]));
        frame[1 + 2 + 1] = 7; // type, the request id's length and its one character, then the kind

        assertThatThrownBy(() -> HostFrame.read(input(frame)))
                .isInstanceOf(IOException.class)
                .hasMessage("unknown result kind 7");
    }

    @Test
    void aNegativeLengthIsRefused() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(5);
        out.writeUTF("req-1");
        out.writeLong(0);
        out.writeInt(-1);

        assertThatThrownBy(() -> HostFrame.read(input(bytes.toByteArray())))
                .isInstanceOf(IOException.class)
                .hasMessage("negative frame length -1");
    }

    @Test
    void aFrameCutShortIsTheEndOfTheStream() throws IOException {
        byte[] whole = written(new HostFrame.Log("req-1", 0, bytes("0123456789")));
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 4);

        assertThatThrownBy(() -> HostFrame.read(input(cut)))
                .isInstanceOf(EOFException.class)
                .hasMessage("frame ended after 6 of 10 bytes");
    }

    @Test
    void theFirstFrameOfAConnectionMustBeAHelloOfATokensLength() throws IOException {
        assertThat(HostFrame.readHello(input(written(new HostFrame.Hello(bytes("token")))))
                        .token())
                .isEqualTo(bytes("token"));
        assertThatThrownBy(() -> HostFrame.readHello(input(written(new HostFrame.Discard(1)))))
                .isInstanceOf(IOException.class)
                .hasMessage("the first frame is of type 2, not the host's hello (6)");
        assertThatThrownBy(() -> HostFrame.readHello(input(new byte[] {HostFrame.HELLO, (byte) 200})))
                .isInstanceOf(IOException.class)
                .hasMessage("a hello of 200 bytes; a token has 1 to 64");
        assertThatThrownBy(() -> HostFrame.readHello(input(new byte[] {HostFrame.HELLO, 5, 'a', 'b'})))
                .isInstanceOf(EOFException.class)
                .hasMessage("hello ended after 2 of 5 bytes");
        assertThatThrownBy(() -> new HostFrame.Hello(new byte[HostFrame.MAX_TOKEN_BYTES + 1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a host token has 1 to 64 bytes, got 65");
    }
}
