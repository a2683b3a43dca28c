package dev.loadsplitter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code load-splitter serve} driven by a real client: Debian's {@code awscli} package ({@link AwsCli}). */
class ServeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static AwsCli aws;
    private static int sqsPort;
    private static int lambdaPort;
    private static LocalServe serving;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        aws = AwsCli.debian();
        serving = LocalServe.start("--esm-enabled=false", "--delay", "0");
        sqsPort = serving.sqsPort();
        lambdaPort = serving.lambdaPort();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (serving != null) {
            serving.close();
            assertThat(serving.thread().isAlive())
                    .as("serve stops when interrupted")
                    .isFalse();
        }
    }

    private static AwsCli.Result aws(String... args) throws Exception {
        return aws.run(dir, args);
    }

    @Test
    void theAwsCliInvokesTheFunctionAndReadsItsSubTasksFromTheQueue() throws Exception {
        Path event = dir.resolve("three-tags.json");
        Files.writeString(
                event,
                Files.readString(Path.of("..", "examples", "events", "create-tags-5.json"))
                        .replaceFirst(",\\s*\\{\\s*\"key\": \"CostCenter\",[^}]*}", "")
                        .replaceFirst(",\\s*\\{\\s*\"key\": \"Project\",[^}]*}", ""));

        AwsCli.Result invoke = aws(
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

        AwsCli.Result receive = aws(
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
        AwsCli.Result invoke = aws(
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
