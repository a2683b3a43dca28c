package dev.loadsplitter.cli;

import static dev.loadsplitter.cli.RunCommandIT.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run} exits 0 only when every item was processed, and otherwise says in one line what went wrong. */
class ExitCodesIT {

    private static final String FIVE_TAGS = "../examples/events/create-tags-5.json";
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void everyItemProcessedIsZero() {
        RunCommandIT.Result result = cli("run", "--delay", "0", "--json", FIVE_TAGS);

        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
        assertThat(result.err()).doesNotContain("run finished, but");
    }

    @Test
    void subTasksThatFailEveryReceiveAreFourAndNameTheDeadLetterQueue() throws Exception {
        RunCommandIT.Result result = cli(
                "run",
                "--delay",
                "2s",
                "--function-timeout",
                "300ms",
                "--visibility-timeout",
                "1s",
                "--max-receive-count",
                "2",
                "--json",
                "--timeout",
                "60s",
                FIVE_TAGS);

        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.ITEMS_FAILED);
        JsonNode summary = json.readTree(result.out());
        assertThat(summary.get("deadLettered").asInt()).isEqualTo(5);
        assertThat(result.err())
                .contains("load-splitter: run finished, but job 0d3c1f5e-7a2b-4e8f-9c61-1b2a3c4d5e05 failed: every one "
                        + "of its 5 items was dead-lettered, parked in http://127.0.0.1:")
                .contains("/load-splitter-parked");
        assertThat(summary.get("jobStatus").asText()).isEqualTo("FAILED");
        assertThat(summary.get("jobCompletedEvents").asInt()).isEqualTo(1);
    }

    @Test
    void anEventTheFunctionRejectsIsFour(@TempDir Path dir) throws Exception {
        Path invalid = Files.writeString(dir.resolve("invalid.json"), "{\"detail\":{\"eventName\":\"CreateTags\"}}");

        RunCommandIT.Result result = cli("run", "--delay", "0", invalid.toString());

        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.ITEMS_FAILED);
        assertThat(result.err())
                .contains("load-splitter: run finished, but the function rejected the event as " + "invalid (400)");
    }

    @Test
    void anEventThatFailsEveryAttemptGoesToTheFailedEventsQueueAndIsFour() throws Exception {
        // The failed-events queue's consumer, which faults leave alone, runs the event again; every part it queues
        // fails too (--fail-rate 1) and is dead-lettered at its one receive, so the job fails.
        RunCommandIT.Result result = cli(
                "run",
                "--delay",
                "0",
                "--fail-rate",
                "1",
                "--async-retry-pause",
                "10ms",
                "--max-receive-count",
                "1",
                // A failed part is dead-lettered once its visibility timeout ends: keep that short.
                "--function-timeout",
                "3s",
                "--visibility-timeout",
                "3s",
                "--json",
                FIVE_TAGS);

        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.ITEMS_FAILED);
        assertThat(json.readTree(result.out()).get("failedEvents").asInt()).isEqualTo(1);
        assertThat(result.err())
                .contains("the event failed all 3 attempts and was sent to http://127.0.0.1:")
                .contains("/load-splitter-failed-events (last error: {\"errorMessage\":\"injected failure")
                .contains("its consumer ran it again");
        assertThat(json.readTree(result.out()).get("jobStatus").asText()).isEqualTo("FAILED");
    }

    @Test
    void aFunctionThatCannotStartIsFour() {
        RunCommandIT.Result result = cli(
                "run",
                "--delay",
                "0",
                "--handler",
                "com.example.Missing::handleRequest",
                "--async-retry-pause",
                "10ms",
                FIVE_TAGS);

        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.ITEMS_FAILED);
        assertThat(result.err())
                .contains(
                        "load-splitter: run finished, but the function could not start (java.lang.ClassNotFoundException: "
                                + "Class not found: com.example.Missing; handler com.example.Missing::handleRequest in ")
                .contains("load-splitter-function.jar). Check --function-jar and --handler.");
    }

    @Test
    void anEventFileThatIsNotJsonIsAUsageError(@TempDir Path dir) throws Exception {
        Path notJson = Files.writeString(dir.resolve("event.json"), "tags: a, b");

        RunCommandIT.Result result = cli("run", notJson.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err())
                .contains("Event file " + notJson + " is not JSON (Unrecognized token 'tags'")
                .contains("Lambda's Invoke API refuses such a payload.");
    }

    @Test
    void aSettingTheFunctionWouldRefuseIsAUsageErrorBeforeAnythingStarts() {
        RunCommandIT.Result result = cli("run", "--max-items-per-task", "0", FIVE_TAGS);

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err())
                .contains("MAX_ITEMS_PER_TASK='0' is invalid: expected a whole number from 1 to 1000000. "
                        + "Fix --max-items-per-task.")
                .doesNotContain("SQS at");
    }

    @Test
    void aToleranceOutOfRangeIsAUsageErrorNamingItsOptionBeforeAnythingStarts() {
        RunCommandIT.Result result = cli("run", "--tolerated-failure-percentage", "101", FIVE_TAGS);

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err())
                .contains("TOLERATED_FAILURE_PERCENTAGE='101.0' is invalid")
                .contains("--tolerated-failure-percentage")
                .doesNotContain("SQS at");
    }

    @Test
    void aRunWaitingOutALongVisibilityTimeoutIsOneAndNamesTheOptionsThatShortenIt() {
        RunCommandIT.Result result = cli(
                "run",
                "--delay",
                "2s",
                "--function-timeout",
                "300ms",
                "--visibility-timeout",
                "10m",
                "--timeout",
                "3s",
                FIVE_TAGS);

        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.err())
                .contains("load-splitter: not drained after 3s: 0 invocations running, 0 messages on "
                        + "the queue, 5 in flight, 0 in the dead-letter queue; job ")
                .contains("is still open: 0 of 5 items processed")
                .contains("Messages that failed wait out the visibility timeout (10m) before they come "
                        + "back; shorten it with --visibility-timeout, or with --function-timeout");
    }

    /** The CLI in a JVM of its own, as the launcher runs it, with a heap far too small for 100,000 tags. */
    @Test
    void aRunWhoseHeapFillsIsThreeAndNamesTheFlag(@TempDir Path dir) throws Exception {
        Path event = JobsIT.event(dir, "heap-100000", 100_000);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(
                        java,
                        "-Xmx100m",
                        "-jar",
                        Path.of("target", "load-splitter-cli.jar").toString(),
                        "run",
                        "--delay",
                        "0",
                        "--json",
                        "--function-jar",
                        Path.of("..", "function", "target", "load-splitter-function.jar")
                                .toString(),
                        event.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("run.log").toFile())
                .start();

        assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("the run stopped").isTrue();
        String log = Files.readString(dir.resolve("run.log"));
        assertThat(process.exitValue()).as(log).isEqualTo(ExitCodes.HEAP_FULL);
        assertThat(log)
                .contains("load-splitter: stopping: the JVM heap is full")
                .contains("Rerun with a bigger heap, e.g. LOAD_SPLITTER_JAVA_OPTS=-Xmx2g ./load-splitter run");
    }
}
