package dev.loadsplitter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.message.JobCompletedEvent;
import dev.loadsplitter.local.aws.EventBridgeBus;
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
 * {@code serve --data-dir} keeps the function's records and the EventBridge bus too: a job killed
 * with {@code kill -9} half-way completes after a restart on the same directory, with every item
 * processed once in its counts; killed again, a third {@code serve} still shows it completed, and
 * {@code jobs show} and the bus agree on its one completion event.
 */
class DurableRecordsIT {

    private static final Path CLI_JAR = Path.of("target", "load-splitter-cli.jar");
    private static final String JOB = "kill-nine-100";
    private static final int ITEMS = 100;

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
    void aJobKilledHalfWayCompletesAfterTheRestartAndItsRecordAndEventSurviveKillNine() throws Exception {
        // Issue 19's check on 500 tags of 1 s at concurrency 10 takes about 50 s of work alone; 100 tags keep it
        // within a minute with three starts of serve.
        Path data = dir.resolve("data");
        int lambdaPort = LocalPorts.free();
        int awsPort = LocalPorts.free();
        String records = "http://127.0.0.1:" + awsPort;
        EventFilter completed = EventFilter.any()
                .source(JobCompletedEvent.SOURCE)
                .detailType(JobCompletedEvent.DETAIL_TYPE)
                .detail("jobId", JOB);
        String[] work = {
            "--delay", "1s", "--function-timeout", "5s", "--visibility-timeout", "10s", "--concurrency", "10"
        };
        Process first = serve(data, lambdaPort, awsPort, work);
        java.util.concurrent.atomic.AtomicLong processedAtTheKill = new java.util.concurrent.atomic.AtomicLong();
        try {
            HttpResponse<String> invoked = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lambdaPort
                                            + "/2015-03-31/functions/load-splitter/invocations"))
                                    .POST(HttpRequest.BodyPublishers.ofFile(JobsIT.event(dir, JOB, ITEMS)))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(invoked.body()).contains("split '" + ITEMS + "' tags into '");
            await("half the items processed")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        processedAtTheKill.set(processed(records));
                        return processedAtTheKill.get() >= ITEMS / 2;
                    });
        } finally {
            first.destroyForcibly(); // SIGKILL
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(processedAtTheKill.get()).as("killed half-way").isBetween((long) ITEMS / 2, ITEMS - 1L);

        Process second = serve(data, lambdaPort, awsPort, work);
        try {
            await("the job completes after the restart")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> LocalEventsClient.create(URI.create(records))
                                    .events(completed)
                                    .size()
                            >= 1);
        } finally {
            second.destroyForcibly(); // SIGKILL again, with the job closed and announced
            assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        Process third = serve(data, lambdaPort, awsPort, "--esm-enabled=false");
        try {
            JsonNode job = show(records);
            assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("COMPLETED");
            assertThat(job.path("items").asLong()).isEqualTo(ITEMS);
            assertThat(job.path("processed").asLong()).isEqualTo(ITEMS);
            assertThat(job.path("deadLettered").asLong()).isZero();
            assertThat(job.path("close").asInt()).isEqualTo(1);
            List<EventBridgeBus.PutEvent> events =
                    LocalEventsClient.create(URI.create(records)).events(completed);
            assertThat(job.path("completedEvents").asLong())
                    .as("jobs show counts the bus's events")
                    .isEqualTo(events.size())
                    .isEqualTo(1);
            assertThat(events).allSatisfy(event -> {
                assertThat(event.detail().path("status").asText()).isEqualTo("COMPLETED");
                assertThat(event.detail().path("processed").asLong()).isEqualTo(ITEMS);
                assertThat(event.detail().path("deadLettered").asLong()).isZero();
                assertThat(event.detail().path("skipped").asLong()).isZero();
                assertThat(event.detail().path("close").asInt()).isEqualTo(1);
            });
            RunCommandIT.Result list = RunCommandIT.cli("jobs", "list", "--records-endpoint-url", records);
            assertThat(list.exitCode()).as(list.err()).isZero();
            assertThat(list.out()).containsPattern(JOB + " +COMPLETED +1 +" + ITEMS + " +" + ITEMS + " +0 +0 ");
        } finally {
            third.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** {@code jobs show JOB --json} against the endpoint at {@code records}. */
    private static JsonNode show(String records) throws java.io.IOException {
        RunCommandIT.Result show = RunCommandIT.cli("jobs", "show", JOB, "--json", "--records-endpoint-url", records);
        assertThat(show.exitCode()).as(show.err()).isZero();
        return new ObjectMapper().readTree(show.out());
    }

    /** Items processed so far, or -1 while the job is not in the ledger yet. */
    private static long processed(String records) throws java.io.IOException {
        RunCommandIT.Result show = RunCommandIT.cli("jobs", "show", JOB, "--json", "--records-endpoint-url", records);
        return show.exitCode() == 0
                ? new ObjectMapper().readTree(show.out()).path("processed").asLong()
                : -1;
    }
}
