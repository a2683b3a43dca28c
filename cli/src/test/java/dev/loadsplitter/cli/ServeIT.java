package dev.loadsplitter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code load-splitter serve} driven by a real client: Debian's {@code awscli} package, found
 * through dpkg so that no other {@code aws} on the PATH stands in for it. CI installs it; on a
 * machine without it the test is skipped, except under CI, where it fails.
 */
class ServeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path aws;
    private static int sqsPort;
    private static int lambdaPort;
    private static Thread serving;
    private static final StringBuilder SERVE_ERR = new StringBuilder();

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        aws = debianAws();
        sqsPort = LocalPorts.free();
        lambdaPort = LocalPorts.free();
        serving = Thread.ofPlatform().name("serve").start(() -> {
            RunCommandIT.Result result = RunCommandIT.cli(
                    "serve",
                    "--esm-enabled=false",
                    "--delay",
                    "0",
                    "--sqs-port",
                    Integer.toString(sqsPort),
                    "--lambda-port",
                    Integer.toString(lambdaPort),
                    "--aws-port",
                    Integer.toString(LocalPorts.free()),
                    "--shutdown-grace",
                    "5s");
            synchronized (SERVE_ERR) {
                SERVE_ERR.append(result.err());
            }
        });
        await("serve listening")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> LocalPorts.listening(lambdaPort) && LocalPorts.listening(sqsPort) || !serving.isAlive());
        if (!serving.isAlive()) {
            fail("serve did not start: " + SERVE_ERR);
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (serving != null) {
            serving.interrupt();
            serving.join(Duration.ofSeconds(20));
            assertThat(serving.isAlive()).as("serve stops when interrupted").isFalse();
        }
    }

    private static Path debianAws() throws Exception {
        Process dpkg = new ProcessBuilder("dpkg", "-L", "awscli")
                .redirectErrorStream(true)
                .start();
        String files = new String(dpkg.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean installed = dpkg.waitFor() == 0;
        Path found = files.lines()
                .filter(line -> line.endsWith("/bin/aws"))
                .map(Path::of)
                .filter(Files::isExecutable)
                .findFirst()
                .orElse(null);
        if (!installed || found == null) {
            if (System.getenv("CI") != null) {
                fail("Debian's awscli package is not installed; .ci/run installs it with apt-get");
            }
            Assumptions.abort("Debian's awscli package is not installed (apt-get install awscli)");
        }
        return found;
    }

    record Aws(int exitCode, String out, String err) {}

    private static Aws aws(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(aws.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        Map<String, String> env = builder.environment();
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_PAGER", "");
        env.put("AWS_CONFIG_FILE", dir.resolve("no-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-credentials").toString());
        Path out = Files.createTempFile(dir, "aws", ".out");
        Path err = Files.createTempFile(dir, "aws", ".err");
        Process process =
                builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("aws " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Aws(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void theAwsCliInvokesTheFunctionAndReadsItsSubTasksFromTheQueue() throws Exception {
        Path event = dir.resolve("three-tags.json");
        Files.writeString(
                event,
                Files.readString(Path.of("..", "examples", "events", "create-tags-5.json"))
                        .replaceFirst(",\\s*\\{\\s*\"key\": \"CostCenter\",[^}]*}", "")
                        .replaceFirst(",\\s*\\{\\s*\"key\": \"Project\",[^}]*}", ""));

        Aws invoke = aws(
                "lambda",
                "invoke",
                "--endpoint-url",
                "http://127.0.0.1:" + lambdaPort,
                "--function-name",
                "load-splitter",
                "--payload",
                "fileb://" + event,
                "response.json");

        assertThat(invoke.exitCode()).as(invoke.err()).isZero();
        assertThat(JSON.readTree(invoke.out()).get("StatusCode").asInt()).isEqualTo(200);
        assertThat(Files.readString(dir.resolve("response.json")))
                .isEqualTo("{\"statusCode\":202,\"count\":3,\"body\":\"split '3' tags into '3' queued messages\"}");

        Aws receive = aws(
                "sqs",
                "receive-message",
                "--endpoint-url",
                "http://127.0.0.1:" + sqsPort,
                "--queue-url",
                "http://127.0.0.1:" + sqsPort + "/000000000000/load-splitter-queue",
                "--max-number-of-messages",
                "10",
                "--message-attribute-names",
                "All",
                "--output",
                "json");

        assertThat(receive.exitCode()).as(receive.err()).isZero();
        JsonNode messages = JSON.readTree(receive.out()).get("Messages");
        assertThat(messages).hasSize(3);
        List<String> keys = new ArrayList<>();
        for (JsonNode message : messages) {
            JsonNode tags = JSON.readTree(message.get("Body").asText())
                    .get("detail")
                    .get("requestParameters")
                    .get("tagSet")
                    .get("items");
            assertThat(tags).hasSize(1);
            keys.add(tags.get(0).get("key").asText());
            assertThat(message.get("MessageAttributes")
                            .get("partCount")
                            .get("StringValue")
                            .asText())
                    .isEqualTo("3");
        }
        assertThat(keys).containsExactlyInAnyOrder("Name", "Environment", "Owner");
    }

    @Test
    void anUnknownFunctionGetsLambdasNotFoundError() throws Exception {
        Files.writeString(dir.resolve("empty.json"), "{}");
        Aws invoke = aws(
                "lambda",
                "invoke",
                "--endpoint-url",
                "http://127.0.0.1:" + lambdaPort,
                "--function-name",
                "no-such-function",
                "--payload",
                "fileb://empty.json",
                "out.json");

        assertThat(invoke.exitCode()).isNotZero();
        assertThat(invoke.err())
                .contains(
                        "An error occurred (ResourceNotFoundException) when calling the Invoke "
                                + "operation: Function not found: arn:aws:lambda:us-east-1:000000000000:function:no-such-function");
    }
}
