package dev.loadsplitter.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The function's stdout and stderr: one log event per line, whatever the writes look like. */
class FunctionOutputTest {

    private static String text(HostFrame frame) {
        return new String(((HostFrame.Log) frame).message(), StandardCharsets.UTF_8);
    }

    @Test
    void eachLineIsOneEventWithoutItsLineEnd() throws Exception {
        FrameCapture runtime = new FrameCapture();
        FunctionOutput output = new FunctionOutput(runtime.channel());
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

        out.print("one\r\ntw");
        out.print("o\nthree ü");
        out.flush();
        List<String> before =
                runtime.drain().stream().map(FunctionOutputTest::text).toList();
        output.flushThread();

        assertThat(before).containsExactly("one", "two");
        assertThat(text(runtime.next()))
                .as("the unfinished line, at the end of the invocation")
                .isEqualTo("three ü");
        assertThat(runtime.drain()).as("nothing more").isEmpty();
    }

    @Test
    void linesOfTwoThreadsNeverMix() throws Exception {
        FrameCapture runtime = new FrameCapture();
        FunctionOutput output = new FunctionOutput(runtime.channel());
        try (ExecutorService other = Executors.newSingleThreadExecutor()) {
            other.submit(() -> output.write("aa".getBytes(StandardCharsets.UTF_8), 0, 2))
                    .get();
            output.write("bb\n".getBytes(StandardCharsets.UTF_8), 0, 3);
            other.submit(() -> output.write("a\n".getBytes(StandardCharsets.UTF_8), 0, 2))
                    .get();
        }

        assertThat(text(runtime.next())).isEqualTo("bb");
        assertThat(text(runtime.next())).isEqualTo("aaa");
    }
}
