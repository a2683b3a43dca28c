package dev.loadsplitter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code load-splitter jobs list|show} against a running {@code serve}, as a user follows a job. */
class JobsCommandIT {

    private static int lambdaPort;
    private static int awsPort;
    private static Thread serving;
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        int sqsPort = LocalPorts.free();
        lambdaPort = LocalPorts.free();
        awsPort = LocalPorts.free();
        serving = Thread.ofPlatform()
                .name("serve-jobs")
                .start(() -> RunCommandIT.cli(
                        "serve",
                        "--delay",
                        "0",
                        "--sqs-port",
                        Integer.toString(sqsPort),
                        "--lambda-port",
                        Integer.toString(lambdaPort),
                        "--aws-port",
                        Integer.toString(awsPort),
                        "--concurrency",
                        "10",
                        "--shutdown-grace",
                        "5s"));
        await().atMost(Duration.ofSeconds(60)).until(() -> LocalPorts.listening(lambdaPort));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        serving.interrupt();
        serving.join(Duration.ofSeconds(30));
    }

    private String endpoint() {
        return "http://127.0.0.1:" + awsPort;
    }

    @Test
    void aJobInvokedThroughTheLambdaApiIsListedAndShownUntilItCompletes() throws Exception {
        HttpResponse<String> invoked = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lambdaPort
                                        + "/2015-03-31/functions/load-splitter/invocations"))
                                .POST(HttpRequest.BodyPublishers.ofFile(
                                        Path.of("..", "examples", "events", "create-tags-5.json")))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(invoked.body()).contains("split '5' tags into '5' queued messages");
        String jobId = "0d3c1f5e-7a2b-4e8f-9c61-1b2a3c4d5e05";

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            RunCommandIT.Result shown =
                    RunCommandIT.cli("jobs", "show", jobId, "--json", "--records-endpoint-url", endpoint());
            assertThat(shown.exitCode()).as(shown.err()).isZero();
            assertThat(json.readTree(shown.out()).get("status").asText()).isEqualTo("COMPLETED");
        });
        JsonNode job =
                json.readTree(RunCommandIT.cli("jobs", "show", jobId, "--json", "--records-endpoint-url", endpoint())
                        .out());
        assertThat(job.get("items").asInt()).isEqualTo(5);
        assertThat(job.get("processed").asInt()).isEqualTo(5);
        assertThat(job.get("close").asInt()).isEqualTo(1);
        assertThat(job.get("taskType").asText()).isEqualTo("CreateTags");
        assertThat(job.get("completedEvents").asInt()).isEqualTo(1);

        RunCommandIT.Result list = RunCommandIT.cli("jobs", "list", "--records-endpoint-url", endpoint());
        assertThat(list.out())
                .contains("JOB ID")
                .containsPattern(jobId + " +COMPLETED +1 +5 +5 +0 +0 ")
                .containsPattern("\\d+ jobs? in load-splitter-records");
        RunCommandIT.Result text = RunCommandIT.cli("jobs", "show", jobId, "--records-endpoint-url", endpoint());
        assertThat(text.out()).contains("status           COMPLETED").contains("items            5");

        RunCommandIT.Result results = RunCommandIT.cli("jobs", "results", jobId, "--records-endpoint-url", endpoint());
        assertThat(results.exitCode()).as(results.err()).isZero();
        assertThat(results.out().lines().map(line -> readTree(line).get("index").asInt()))
                .containsExactly(0, 1, 2, 3, 4);
        assertThat(results.out().lines().map(line -> readTree(line).has("result")))
                .containsOnly(true);

        RunCommandIT.Result cancelled = RunCommandIT.cli("jobs", "cancel", jobId, "--records-endpoint-url", endpoint());
        assertThat(cancelled.exitCode()).as(cancelled.out() + cancelled.err()).isEqualTo(4);
    }

    private JsonNode readTree(String line) {
        try {
            return json.readTree(line);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("not a JSON line: " + line, e);
        }
    }

    /** A CreateTags event with {@code tags} tags, one item each. */
    private static byte[] createTags(int tags) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode event =
                (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(
                        java.nio.file.Files.readString(Path.of("..", "examples", "events", "create-tags-5.json")));
        event.put("id", java.util.UUID.randomUUID().toString());
        com.fasterxml.jackson.databind.node.ArrayNode items = (com.fasterxml.jackson.databind.node.ArrayNode)
                event.path("detail").path("requestParameters").path("tagSet").path("items");
        items.removeAll();
        for (int i = 0; i < tags; i++) {
            items.addObject().put("key", "tag-" + i).put("value", "v");
        }
        return mapper.writeValueAsBytes(event);
    }

    @Test
    void aCancelledJobStopsSkipsWhatItHadNotStartedAndClosesCancelledWithOneEvent() throws Exception {
        byte[] event = createTags(3_000);
        String jobId = json.readTree(event).get("id").asText();
        HttpResponse<String> accepted = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lambdaPort
                                        + "/2015-03-31/functions/load-splitter/invocations"))
                                .header("X-Amz-Invocation-Type", "Event")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(event))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> RunCommandIT.cli("jobs", "show", jobId, "--records-endpoint-url", endpoint())
                                .exitCode()
                        == 0);

        RunCommandIT.Result cancelled = RunCommandIT.cli("jobs", "cancel", jobId, "--records-endpoint-url", endpoint());

        assertThat(cancelled.exitCode()).as(cancelled.out() + cancelled.err()).isZero();
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            JsonNode shown = json.readTree(
                    RunCommandIT.cli("jobs", "show", jobId, "--json", "--records-endpoint-url", endpoint())
                            .out());
            assertThat(shown.get("status").asText()).isEqualTo("CANCELLED");
            assertThat(shown.get("completedEvents").asInt()).isEqualTo(1);
        });
        JsonNode job =
                json.readTree(RunCommandIT.cli("jobs", "show", jobId, "--json", "--records-endpoint-url", endpoint())
                        .out());
        assertThat(job.get("reason").asText()).isEqualTo("CANCELLED");
        assertThat(job.get("skipped").asLong()).isPositive();
        assertThat(job.get("processed").asLong()
                        + job.get("deadLettered").asLong()
                        + job.get("skipped").asLong())
                .isEqualTo(3_000);
        RunCommandIT.Result again = RunCommandIT.cli("jobs", "cancel", jobId, "--records-endpoint-url", endpoint());
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        RunCommandIT.Result results = RunCommandIT.cli("jobs", "results", jobId, "--records-endpoint-url", endpoint());
        assertThat(results.out().lines().count()).isEqualTo(3_000);
        assertThat(results.out()
                        .lines()
                        .filter(line -> line.contains("\"skipped\":true"))
                        .count())
                .isEqualTo(job.get("skipped").asLong());
    }

    @Test
    void resultsAndCancelOfAnUnknownJobAreExitCodeOne() {
        assertThat(RunCommandIT.cli("jobs", "results", "no-such-job", "--records-endpoint-url", endpoint())
                        .exitCode())
                .isEqualTo(ExitCodes.FAILED);
        RunCommandIT.Result cancelled =
                RunCommandIT.cli("jobs", "cancel", "no-such-job", "--records-endpoint-url", endpoint());
        assertThat(cancelled.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(cancelled.err()).contains("no-such-job");
    }

    @Test
    void anUnknownJobIsExitCodeOneAndSaysHowToFindTheJobs() {
        RunCommandIT.Result shown =
                RunCommandIT.cli("jobs", "show", "no-such-job", "--records-endpoint-url", endpoint());

        assertThat(shown.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(shown.err())
                .contains("no job no-such-job in load-splitter-records; 'load-splitter jobs list' shows");
    }

    @Test
    void noServerSaysWhichEndpointAndHowToStartIt() throws Exception {
        int closed = LocalPorts.free();
        RunCommandIT.Result listed =
                RunCommandIT.cli("jobs", "list", "--records-endpoint-url", "http://127.0.0.1:" + closed);

        assertThat(listed.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(listed.err())
                .contains("Cannot read the job records at http://127.0.0.1:" + closed)
                .contains("Start them with './load-splitter serve' (port " + closed + " is its --aws-port).");
    }
}
