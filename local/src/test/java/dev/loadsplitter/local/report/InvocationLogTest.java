package dev.loadsplitter.local.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.local.container.InvocationListener;
import dev.loadsplitter.local.container.Trigger;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Lambda's log lines, exactly, in both of Lambda's formats. */
class InvocationLogTest {

    private static final Instant START = Instant.parse("2026-11-26T15:00:00.123Z");
    private static final Instant END = START.plusMillis(250);
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private InvocationLog log(InvocationLog.Format format) {
        return new InvocationLog(new PrintStream(bytes, true, StandardCharsets.UTF_8), 512, format);
    }

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static InvocationRecord record() {
        return new InvocationRecord(
                "req-1",
                Trigger.SQS,
                InvocationRecord.Kind.PROCESS,
                1,
                0,
                1,
                0,
                0,
                START,
                END,
                true,
                Optional.of(Duration.ofMillis(400)),
                Optional.empty());
    }

    private static InvocationListener.Started started() {
        return new InvocationListener.Started("req-1", Trigger.SQS, new byte[0], 1, true, START);
    }

    @Test
    void textLinesAreLambdasOwnEachAfterItsTimeWithOursOnALineOfItsOwn() {
        InvocationLog log = log(InvocationLog.Format.TEXT);

        log.started(started());
        log.event("req-1", START.plusMillis(5), "hello");
        log.ended(record());

        assertThat(lines())
                .containsExactly(
                        "2026-11-26T15:00:00.123Z START RequestId: req-1 Version: $LATEST",
                        "2026-11-26T15:00:00.128Z\treq-1\thello",
                        "2026-11-26T15:00:00.373Z END RequestId: req-1",
                        "2026-11-26T15:00:00.373Z REPORT RequestId: req-1\tDuration: 250.00 ms\tBilled Duration: 650 ms"
                                + "\tMemory Size: 512 MB\tInit Duration: 400.00 ms",
                        "2026-11-26T15:00:00.373Z LOCAL RequestId: req-1\tTrigger: sqs\tColdStart: true\tKind: process"
                                + "\tRecords: 1\tProcessed: 1");
    }

    @Test
    void aLineEndInsideAnIdAMessageOrAnErrorCannotSplitATextLine() {
        InvocationLog log = log(InvocationLog.Format.TEXT);
        String forgedId = "req-1\n2026-11-26T15:00:00.200Z END RequestId: req-1";

        log.started(new InvocationListener.Started(forgedId, Trigger.SQS, new byte[0], 1, true, START));
        log.event(forgedId, START.plusMillis(5), "one event\r\n2026-11-26T15:00:00.129Z\treq-2\tforged");
        log.ended(new InvocationRecord(
                forgedId,
                Trigger.SQS,
                InvocationRecord.Kind.PROCESS,
                0,
                0,
                1,
                1,
                0,
                START,
                END,
                false,
                Optional.empty(),
                Optional.of("java.lang.IllegalStateException: bad\nREPORT RequestId: req-9")));

        String id = "req-1\\n2026-11-26T15:00:00.200Z END RequestId: req-1";
        assertThat(lines())
                .containsExactly(
                        "2026-11-26T15:00:00.123Z START RequestId: " + id + " Version: $LATEST",
                        "2026-11-26T15:00:00.128Z\t" + id + "\tone event\\r\\n2026-11-26T15:00:00.129Z\treq-2\tforged",
                        "2026-11-26T15:00:00.373Z END RequestId: " + id,
                        "2026-11-26T15:00:00.373Z REPORT RequestId: " + id
                                + "\tDuration: 250.00 ms\tBilled Duration: 250 ms\tMemory Size: 512 MB",
                        "2026-11-26T15:00:00.373Z LOCAL RequestId: " + id + "\tTrigger: sqs\tColdStart: false\tKind: "
                                + "process\tRecords: 1 (1 failed)\tError: java.lang.IllegalStateException: "
                                + "bad\\nREPORT RequestId: req-9");
    }

    @Test
    void backslashesAndOtherLineSeparatorsStayOnTheLine() {
        assertThat(InvocationLog.oneLine("C:\\temp \u2028 \u2029 \u0085 end"))
                .isEqualTo("C:\\temp \\u2028 \\u2029 \\u0085 end");
        assertThat(InvocationLog.oneLine("plain")).isEqualTo("plain");
    }

    @Test
    void jsonIsOneObjectPerLineWithLambdasRecordsAndTheRequestOnEveryEvent() throws Exception {
        InvocationLog log = log(InvocationLog.Format.JSON);

        log.started(started());
        log.event("req-1", START.plusMillis(5), "plain line");
        log.event(
                "req-1",
                START.plusMillis(6),
                "{\"timestamp\":\"2026-11-26T15:00:00.129Z\",\"level\":\"WARN\",\"message\":\"careful\","
                        + "\"AWSRequestId\":\"req-1\"}");
        log.ended(record());

        ObjectMapper json = new ObjectMapper();
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : lines()) {
            nodes.add(json.readTree(line));
        }
        assertThat(nodes).hasSize(5);
        assertThat(nodes.get(0).toString())
                .isEqualTo("{\"time\":\"2026-11-26T15:00:00.123Z\",\"type\":\"platform.start\","
                        + "\"record\":{\"requestId\":\"req-1\",\"version\":\"$LATEST\"}}");
        assertThat(nodes.get(1).toString())
                .isEqualTo("{\"timestamp\":\"2026-11-26T15:00:00.128Z\",\"level\":\"INFO\",\"message\":\"plain line\","
                        + "\"requestId\":\"req-1\"}");
        assertThat(nodes.get(2).get("level").asText()).isEqualTo("WARN");
        assertThat(nodes.get(2).get("requestId").asText()).isEqualTo("req-1");
        assertThat(nodes.get(3).get("type").asText()).isEqualTo("platform.report");
        assertThat(nodes.get(3).at("/record/metrics/billedDurationMs").asLong()).isEqualTo(650);
        assertThat(nodes.get(3).at("/record/metrics/initDurationMs").asDouble()).isEqualTo(400.0);
        assertThat(nodes.get(4).get("type").asText()).isEqualTo("loadsplitter.invocation");
        assertThat(nodes.get(4).at("/record/trigger").asText()).isEqualTo("sqs");
    }
}
