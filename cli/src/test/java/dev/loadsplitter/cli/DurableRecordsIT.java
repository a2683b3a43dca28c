package dev.loadsplitter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.loadsplitter.engine.message.JobCompletedEvent;
import dev.loadsplitter.local.aws.EventFilter;
import dev.loadsplitter.local.aws.LocalEventsClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --data-dir} keeps the function's records and the EventBridge bus too: a job run to
 * completion, {@code kill -9}, and a new {@code serve} on the same directory still lists the job
 * as completed and has its one completion event.
 */
class DurableRecordsIT {

    private static final Path CLI_JAR = Path.of("target", "load-splitter-cli.jar");
    private static final String JOB = "0d3c1f5e-7a2b-4e8f-9c61-1b2a3c4d5e05";

    @TempDir
    Path dir;

    private Process serve(Path data, int lambdaPort, int awsPort, String... more) throws IOException {
        List<String> command =
                new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        if (Runtime.version().feature() >= 24) {
            command.addAll(List.of("--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED"));
        }
        command.addAll(List.of(
                "-XX:TieredStopAtLevel=1",
                "-jar",
                CLI_JAR.toString(),
                "serve",
                "--data-dir",
                data.toString(),
                "--sqs-port",
                Integer.toString(LocalPorts.free()),
                "--lambda-port",
                Integer.toString(lambdaPort),
                "--aws-port",
                Integer.toString(awsPort),
                "--delay",
                "0",
                "--function-jar",
                Path.of("..", "function", "target", "load-splitter-function.jar")
                        .toString()));
        command.addAll(List.of(more));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(
                        dir.resolve("serve-" + UUID.randomUUID() + ".log").toFile())
                .start();
        await("serve listening")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> LocalPorts.listening(lambdaPort) || !process.isAlive());
        assertThat(process.isAlive()).as("serve started").isTrue();
        return process;
    }

    @Test
    void aCompletedJobAndItsEventSurviveKillNine() throws Exception {
        Path data = dir.resolve("data");
        int lambdaPort = LocalPorts.free();
        int awsPort = LocalPorts.free();
        String records = "http://127.0.0.1:" + awsPort;
        EventFilter completed = EventFilter.any()
                .source(JobCompletedEvent.SOURCE)
                .detailType(JobCompletedEvent.DETAIL_TYPE)
                .detail("jobId", JOB);
        Process first = serve(data, lambdaPort, awsPort);
        try {
            HttpResponse<String> invoked = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lambdaPort
                                            + "/2015-03-31/functions/load-splitter/invocations"))
                                    .POST(HttpRequest.BodyPublishers.ofFile(
                                            Path.of("..", "examples", "events", "create-tags-5.json")))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(invoked.body()).contains("split '5' tags into '5' queued messages");
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> LocalEventsClient.create(URI.create(records))
                                    .events(completed)
                                    .size()
                            == 1);
        } finally {
            first.destroyForcibly(); // SIGKILL
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        Process second = serve(data, lambdaPort, awsPort, "--esm-enabled=false");
        try {
            RunCommandIT.Result list = RunCommandIT.cli("jobs", "list", "--records-endpoint-url", records);
            assertThat(list.exitCode()).as(list.err()).isZero();
            assertThat(list.out()).containsPattern(JOB + " +COMPLETED +5 +5 +5 +0 ");
            assertThat(LocalEventsClient.create(URI.create(records)).events(completed))
                    .singleElement()
                    .satisfies(event ->
                            assertThat(event.detail().path("status").asText()).isEqualTo("COMPLETED"));
        } finally {
            second.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
