package dev.loadsplitter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineTeeTest {

    @Test
    void everyCompleteLineReachesTheConsumerAndEveryByteTheStream() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<String> lines = new ArrayList<>();
        PrintStream tee = LineTee.around(new PrintStream(bytes, true, StandardCharsets.UTF_8), lines::add);

        tee.println("done tag key=\"é\" (item 7)");
        tee.print("half ");
        tee.print("a line\r\nand no end");
        tee.flush();

        assertThat(lines).containsExactly("done tag key=\"é\" (item 7)", "half a line");
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .isEqualTo("done tag key=\"é\" (item 7)" + System.lineSeparator() + "half a line\r\nand no end");
    }

    @Test
    void closingPutsStdoutBackUnlessSomethingElseReplacedIt() throws Exception {
        PrintStream original = System.out;
        List<String> lines = new ArrayList<>();
        try (AutoCloseable tee = LineTee.onStdout(lines::add)) {
            System.out.println("seen (item 1)");
        }
        assertThat(System.out).isSameAs(original);
        assertThat(lines).containsExactly("seen (item 1)");

        PrintStream other = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        try {
            try (AutoCloseable tee = LineTee.onStdout(lines::add)) {
                System.setOut(other);
            }
            assertThat(System.out).isSameAs(other);
        } finally {
            System.setOut(original);
        }
    }
}
