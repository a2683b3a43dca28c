package dev.loadsplitter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code load-splitter run} end to end: the real function jar, embedded SQS, the ESM emulator. */
class RunCommandIT {

    private static final String FIVE_TAGS = "../examples/events/create-tags-5.json";
    private final ObjectMapper json = new ObjectMapper();

    record Result(int exitCode, String out, String err) {}

    static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = LoadSplitterCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void warmUp() {
        // The runs of one JVM share the function's loaded classes, as the invocations of one Lambda
        // environment do; warm them once so the timed run below measures the fan-out, not class loading.
        assertThat(cli("invoke", "--delay", "0", FIVE_TAGS).exitCode()).isZero();
    }

    @Test
    void fiveTagsOfHalfASecondRunInParallelInSixInvocations() throws Exception {
        Result result = cli("run", "--delay", "500ms", "--json", FIVE_TAGS);

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode summary = json.readTree(result.out());
        assertThat(summary.get("invocations").asInt()).isEqualTo(6);
        assertThat(summary.get("subTasks").asInt()).isEqualTo(5);
        assertThat(summary.get("itemsProcessed").asInt()).isEqualTo(5);
        assertThat(summary.get("failed").asInt()).isZero();
        assertThat(summary.get("deadLettered").asInt()).isZero();
        assertThat(summary.get("serialEstimateMs").asLong())
                .as("five measured processings of at least 500 ms")
                .isGreaterThanOrEqualTo(2_500);
        assertThat(summary.get("peakConcurrency").asInt())
                .as("the five sub-tasks ran at once")
                .isGreaterThanOrEqualTo(5);
        assertThat(summary.get("drained").asBoolean()).isTrue();
    }

    @Test
    void theTextSummaryAndTheTimelinePageAreWritten(@TempDir Path dir) throws Exception {
        Path page = dir.resolve("timeline.html");

        Result result = cli("run", "--delay", "100ms", "--report", page.toString(), FIVE_TAGS);

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out())
                .contains("invocations         6")
                .contains("items processed     5")
                .containsPattern("serial estimate     \\d+\\.\\d\\d s");
        String html = Files.readString(page);
        assertThat(html)
                .startsWith("<!DOCTYPE html>")
                .contains("<svg")
                .doesNotContain("http://cdn")
                .doesNotContain("<script");
        assertThat(html.split("class=\"process\"><title>", -1)).hasSize(6);
        assertThat(html.split("class=\"split\"><title>", -1)).hasSize(2);
        assertThat(html).containsPattern("serial estimate \\d+\\.\\d s");
    }

    @Test
    void invokePrintsTheFunctionsResponseAndSaysWhatWasQueued() {
        Result result = cli("invoke", "--delay", "0", FIVE_TAGS);

        assertThat(result.exitCode()).isZero();
        assertThat(result.out().strip())
                .isEqualTo("{\"statusCode\":202,\"count\":5,\"body\":\"split '5' tags into '5' queued messages\"}");
    }

    @Test
    void aMissingEventFileIsAUsageErrorThatSaysWhatToDo() {
        Result result = cli("run", "no-such-event.json");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err())
                .contains("Event file no-such-event.json does not exist. Try examples/events/create-tags-5.json.");
    }

    @Test
    void anOutOfRangeOptionIsAUsageErrorNamingTheLimit() {
        Result result = cli("run", "--concurrency", "5000", FIVE_TAGS);

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("maximum concurrency must be from 2 to 1000, got 5000");
    }

    @Test
    void withAwsScalingTheMappingWidensOnLambdasRampInsteadOfAtOnce(@TempDir Path dir) throws Exception {
        // Standard mode allows 5 + 5t invocations after t seconds of waiting messages: 60 sub-tasks of 0.5 s are done
        // in about 2.6 s, long before the ramp could reach 60 (11 s); without it all 60 would start at once.
        Result result = cli(
                "run",
                "--delay",
                "500ms",
                "--aws-scaling",
                "--json",
                JobsIT.event(dir, "ramp", 60).toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode summary = json.readTree(result.out());
        assertThat(summary.get("scaling").asText()).isEqualTo("standard");
        assertThat(summary.get("itemsProcessed").asInt()).isEqualTo(60);
        assertThat(summary.get("peakConcurrency").asInt()).isBetween(5, 59);
    }

    @Test
    void provisionedScalingRefusesPollersOutsideAwssRange() {
        Result result = cli("run", "--aws-scaling", "--minimum-pollers", "1", FIVE_TAGS);

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err())
                .contains("provisioned pollers must be 2 to 200")
                .contains("Fix --minimum-pollers");
    }

    @Test
    void withDispatchInvokeTheFunctionInvokesItselfForEachSubTaskAndTheJobCompletes() throws Exception {
        Result result = cli("run", "--delay", "200ms", "--dispatch", "invoke", "--json", FIVE_TAGS);

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode summary = json.readTree(result.out());
        assertThat(summary.get("invocations").asInt()).isEqualTo(6);
        assertThat(summary.get("itemsProcessed").asInt()).isEqualTo(5);
        assertThat(summary.get("subTasks").asInt())
                .as("nothing went through the queue")
                .isZero();
        assertThat(summary.get("jobStatus").asText()).isEqualTo("COMPLETED");
        assertThat(summary.get("reconciled").asBoolean()).isTrue();
    }
}
