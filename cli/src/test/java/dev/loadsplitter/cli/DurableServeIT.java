package dev.loadsplitter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * {@code serve} as its own process, stopped the hard way and the polite way: {@code kill -9} loses
 * no queued message with {@code --data-dir}, and SIGTERM lets invocations in flight finish while
 * the rest stay queued.
 */
class DurableServeIT {

    private static final Path CLI_JAR = Path.of("target", "load-splitter-cli.jar");

    @TempDir
    Path dir;

    private Process serve(Path data, int sqsPort, int lambdaPort, String... more) throws IOException {
        return serve(dir.resolve("serve-" + UUID.randomUUID() + ".log"), data, sqsPort, lambdaPort, more);
    }

    private Process serve(Path log, Path data, int sqsPort, int lambdaPort, String... more) throws IOException {
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
                Integer.toString(sqsPort),
                "--lambda-port",
                Integer.toString(lambdaPort),
                "--aws-port",
                Integer.toString(LocalPorts.free()),
                "--function-jar",
                Path.of("..", "function", "target", "load-splitter-function.jar")
                        .toString()));
        command.addAll(List.of(more));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            await("serve listening")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> LocalPorts.listening(lambdaPort) || !process.isAlive());
        } catch (ConditionTimeoutException e) {
            process.destroyForcibly();
            throw e;
        }
        assertThat(process.isAlive()).as("serve started").isTrue();
        return process;
    }

    private static SqsClient client(int port) {
        return SqsClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .build();
    }

    private static String queueUrl(int port) {
        return "http://127.0.0.1:" + port + "/000000000000/load-splitter-queue";
    }

    private static Set<String> bodies(SqsClient sqs, int port) {
        Set<String> bodies = new TreeSet<>();
        while (true) {
            List<Message> page = sqs.receiveMessage(r ->
                            r.queueUrl(queueUrl(port)).maxNumberOfMessages(10).visibilityTimeout(60))
                    .messages();
            if (page.isEmpty()) {
                return bodies;
            }
            page.forEach(message -> bodies.add(message.body()));
        }
    }

    @Test
    void killDashNineLosesNoQueuedMessage() throws Exception {
        int sqsPort = LocalPorts.free();
        int lambdaPort = LocalPorts.free();
        Path data = dir.resolve("data");
        Process first = serve(data, sqsPort, lambdaPort, "--esm-enabled=false");
        Set<String> sent = new TreeSet<>();
        try (SqsClient sqs = client(sqsPort)) {
            for (int i = 0; i < 50; i++) {
                String body = "{\"n\":" + i + "}";
                sqs.sendMessage(r -> r.queueUrl(queueUrl(sqsPort)).messageBody(body));
                sent.add(body);
            }
        }
        // Each send was acknowledged, so each is on disk: killed at once, nothing may be lost.
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertThat(first.isAlive()).isFalse();

        Process second = serve(data, sqsPort, lambdaPort, "--esm-enabled=false");
        try (SqsClient sqs = client(sqsPort)) {
            assertThat(bodies(sqs, sqsPort)).isEqualTo(sent);
        } finally {
            second.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void anAcceptedAsynchronousInvocationSurvivesKillDashNineAndRunsAfterTheRestart() throws Exception {
        int sqsPort = LocalPorts.free();
        int lambdaPort = LocalPorts.free();
        Path data = dir.resolve("data");
        Path kept = data.resolve("async-invocations");
        Path firstLog = dir.resolve("first.log");
        Process first = serve(firstLog, data, sqsPort, lambdaPort, "--delay", "60s");
        HttpResponse<String> accepted = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lambdaPort
                                        + "/2015-03-31/functions/load-splitter/invocations"))
                                .header("X-Amz-Invocation-Type", "Event")
                                .POST(HttpRequest.BodyPublishers.ofFile(
                                        Path.of("..", "examples", "events", "create-tags-1.json")))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(eventFiles(kept)).as("kept on disk before the 202").hasSize(1);
        // Its invocation is under way (60 s of simulated work) when serve is killed.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> Files.readString(firstLog).contains(" START RequestId: "));
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertThat(first.isAlive()).isFalse();
        assertThat(eventFiles(kept)).as("still kept after kill -9").hasSize(1);

        Path secondLog = dir.resolve("second.log");
        Process second = serve(secondLog, data, sqsPort, lambdaPort, "--delay", "0");
        try {
            await("the event ran after the restart")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> Files.readString(secondLog)
                            .lines()
                            .anyMatch(line -> line.contains(" LOCAL RequestId: ")
                                    && line.contains("Trigger: async")
                                    && line.contains("Processed: 1")));
            await("forgotten once done")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> eventFiles(kept).isEmpty());
        } finally {
            second.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static List<Path> eventFiles(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (var files = Files.list(directory)) {
            return files.filter(file -> file.toString().endsWith(".json")).toList();
        }
    }

    @Test
    void deadLetteredMessagesStayParkedAndOutOfTheWorkQueueAfterARestart() throws Exception {
        int sqsPort = LocalPorts.free();
        int lambdaPort = LocalPorts.free();
        Path data = dir.resolve("data");
        Process first = serve(data, sqsPort, lambdaPort, "--max-receive-count", "2", "--visibility-timeout", "1s");
        // The DLQ invokes the function, which parks its messages: they end in the parked queue.
        String parked = "http://127.0.0.1:" + sqsPort + "/000000000000/load-splitter-parked";
        try (SqsClient sqs = client(sqsPort)) {
            for (String body : List.of("poison-1", "poison-2", "poison-3")) {
                sqs.sendMessage(r -> r.queueUrl(queueUrl(sqsPort)).messageBody(body));
            }
            // At least once: a record whose delete came after its one-second visibility timeout is parked again.
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> depth(sqs, parked) >= 3 && depth(sqs, queueUrl(sqsPort)) == 0);
        }
        int parkedBefore;
        try (SqsClient sqs = client(sqsPort)) {
            parkedBefore = depth(sqs, parked);
        }
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

        Process second = serve(data, sqsPort, lambdaPort, "--esm-enabled=false");
        try (SqsClient sqs = client(sqsPort)) {
            assertThat(bodies(sqs, sqsPort))
                    .as("no stale copies back in the work queue")
                    .isEmpty();
            assertThat(depth(sqs, parked)).isEqualTo(parkedBefore);
        } finally {
            second.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static int depth(SqsClient sqs, String queueUrl) {
        return Integer.parseInt(sqs.getQueueAttributes(
                        r -> r.queueUrl(queueUrl).attributeNamesWithStrings("ApproximateNumberOfMessages"))
                .attributesAsStrings()
                .get("ApproximateNumberOfMessages"));
    }

    @Test
    void sigtermLetsInvocationsInFlightFinishAndLeavesTheRestQueued() throws Exception {
        int sqsPort = LocalPorts.free();
        int lambdaPort = LocalPorts.free();
        Path data = dir.resolve("data");
        Process serve =
                serve(data, sqsPort, lambdaPort, "--delay", "3s", "--concurrency", "2", "--reserved-concurrency", "10");
        HttpResponse<String> invoke = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lambdaPort
                                        + "/2015-03-31/functions/load-splitter/invocations"))
                                .POST(HttpRequest.BodyPublishers.ofFile(
                                        Path.of("..", "examples", "events", "create-tags-5.json")))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(invoke.body()).contains("split '5' tags into '5' queued messages");
        // Two sub-tasks are being processed, for 3 s each, once two sub-task invocations have started after the direct
        // one; three wait.
        Path serveLog = Files.list(dir)
                .filter(p -> p.toString().endsWith(".log"))
                .findFirst()
                .orElseThrow();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> Files.readString(serveLog)
                                .lines()
                                .filter(line -> line.contains(" START RequestId: "))
                                .count()
                        == 3);

        serve.destroy(); // SIGTERM
        assertThat(serve.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(Files.list(dir)
                .filter(p -> p.toString().endsWith(".log"))
                .findFirst()
                .orElseThrow());
        assertThat(log).contains("load-splitter: stopping").contains("load-splitter: stopped");
        assertThat(log.lines().filter(line -> line.contains("Kind: process")).count())
                .as("in-flight invocations finished")
                .isEqualTo(2);

        Process again = serve(data, sqsPort, lambdaPort, "--esm-enabled=false");
        try (SqsClient sqs = client(sqsPort)) {
            assertThat(bodies(sqs, sqsPort))
                    .as("undelivered sub-tasks stay queued")
                    .hasSize(3);
        } finally {
            again.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
