package dev.loadsplitter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class TerminalStatusTest {

    private static final String CLEAR = "\r\033[K";

    @Test
    void onATerminalEveryLineClearsTheProgressLineAndStdoutStillGoesThroughItsTee() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        List<String> teed = new CopyOnWriteArrayList<>();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        PrintStream tee = LineTee.around(err, teed::add);
        System.setOut(tee);
        try {
            TerminalStatus status = new TerminalStatus(err, true);
            status.start(() -> "3 of 5 done");
            await().atMost(Duration.ofSeconds(30)).until(() -> text(bytes).contains("3 of 5 done"));
            System.out.println("done tag (item 1)");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> text(bytes).indexOf("3 of 5 done", text(bytes).indexOf("(item 1)")) > 0);
            status.stream().println("END RequestId: r1");
            status.stop();

            assertThat(teed).as("the function's line reached run's tee").containsExactly("done tag (item 1)");
            assertThat(text(bytes))
                    .as("each line first clears the progress line painted before it")
                    .contains("3 of 5 done" + CLEAR + "done tag (item 1)")
                    .contains("3 of 5 done" + CLEAR + "END RequestId: r1");
            assertThat(System.out).as("stdout is put back").isSameAs(tee);
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    @Test
    void offATerminalLinesGoStraightToTheStream() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        TerminalStatus status = new TerminalStatus(err, false);
        status.start(() -> "never painted");

        assertThat(status.stream()).isSameAs(err);
        assertThat(text(bytes)).isEmpty();
    }

    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
