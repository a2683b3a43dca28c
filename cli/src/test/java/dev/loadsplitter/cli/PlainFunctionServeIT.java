package dev.loadsplitter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Any Java Lambda jar behind the local runtime's event source mapping and Invoke API, driven by
 * the AWS CLI: test-functions' plain handlers (no code of ours inside), in a JVM of their own.
 */
class PlainFunctionServeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PLAIN_JAR =
            Path.of("..", "test-functions", "target", "plain-lambda.jar").toString();

    @TempDir
    Path dir;

    private static LocalServe serve(String... options) {
        List<String> args = new java.util.ArrayList<>(List.of("--function-jar", PLAIN_JAR));
        args.addAll(List.of(options));
        return LocalServe.start(args.toArray(String[]::new));
    }

    @Test
    void anSqsHandlersPartialBatchResponseIsHonouredAndAPoisonMessageIsDeadLettered() throws Exception {
        AwsCli aws = AwsCli.debian();
        try (LocalServe serving = serve(
                "--handler",
                "com.example.SqsHandler::handleRequest",
                "--env",
                "GREETING=hi",
                "--batch-size",
                "10",
                "--max-receive-count",
                "2",
                "--visibility-timeout",
                "1s")) {
            String sqs = "http://127.0.0.1:" + serving.sqsPort();
            String queue = sqs + "/000000000000/load-splitter-queue";
            String dlq = sqs + "/000000000000/load-splitter-dlq";

            AwsCli.Result sent = aws.run(
                    dir,
                    "sqs",
                    "send-message-batch",
                    "--endpoint-url",
                    sqs,
                    "--queue-url",
                    queue,
                    "--entries",
                    "Id=1,MessageBody=apple",
                    "Id=2,MessageBody=poison",
                    "Id=3,MessageBody=pear");
            assertThat(sent.exitCode()).as(sent.err()).isZero();

            // The good messages are deleted after their first delivery; the poison one is received twice and moved.
            await("the poison message in the DLQ, nothing left on the queue")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> count(aws, sqs, dlq) == 1 && count(aws, sqs, queue) == 0);
            AwsCli.Result dead = aws.run(
                    dir,
                    "sqs",
                    "receive-message",
                    "--endpoint-url",
                    sqs,
                    "--queue-url",
                    dlq,
                    "--attribute-names",
                    "ApproximateReceiveCount",
                    "--output",
                    "json");
            JsonNode message = JSON.readTree(dead.out()).get("Messages").get(0);
            assertThat(message.get("Body").asText()).isEqualTo("poison");
        }
    }

    private int count(AwsCli aws, String endpoint, String queue) throws Exception {
        AwsCli.Result attributes = aws.run(
                dir,
                "sqs",
                "get-queue-attributes",
                "--endpoint-url",
                endpoint,
                "--queue-url",
                queue,
                "--attribute-names",
                "ApproximateNumberOfMessages",
                "ApproximateNumberOfMessagesNotVisible",
                "--output",
                "json");
        JsonNode values = JSON.readTree(attributes.out()).get("Attributes");
        return values.get("ApproximateNumberOfMessages").asInt()
                + values.get("ApproximateNumberOfMessagesNotVisible").asInt();
    }

    @Test
    void aMapHandlerAnswersTheAwsCliWithItsEnvironmentAndItsLogTail() throws Exception {
        AwsCli aws = AwsCli.debian();
        try (LocalServe serving = serve(
                "--handler", "com.example.MapHandler::handleRequest", "--env", "GREETING=hi", "--memory", "512")) {
            String lambda = "http://127.0.0.1:" + serving.lambdaPort();
            Files.writeString(dir.resolve("event.json"), "{\"name\":\"Ada\"}");

            AwsCli.Result invoke = aws.run(
                    dir,
                    "lambda",
                    "invoke",
                    "--endpoint-url",
                    lambda,
                    "--function-name",
                    "load-splitter",
                    "--payload",
                    "fileb://event.json",
                    "--log-type",
                    "Tail",
                    "--output",
                    "json",
                    "response.json");

            assertThat(invoke.exitCode()).as(invoke.err()).isZero();
            JsonNode response = JSON.readTree(Files.readString(dir.resolve("response.json")));
            assertThat(response.get("greeting").asText()).isEqualTo("hi");
            assertThat(response.get("input").toString()).isEqualTo("{\"name\":\"Ada\"}");
            assertThat(response.get("memoryLimitInMB").asInt()).isEqualTo(512);
            String tail = new String(
                    Base64.getDecoder()
                            .decode(JSON.readTree(invoke.out()).get("LogResult").asText()),
                    StandardCharsets.UTF_8);
            String requestId = response.get("requestId").asText();
            assertThat(tail)
                    .startsWith("START RequestId: " + requestId + " Version: $LATEST\n")
                    .contains("map handler got [name]\n")
                    .contains("END RequestId: " + requestId + "\n")
                    .contains("REPORT RequestId: " + requestId + "\tDuration: ");

            AwsCli.Result qualified = aws.run(
                    dir,
                    "lambda",
                    "invoke",
                    "--endpoint-url",
                    lambda,
                    "--function-name",
                    "load-splitter",
                    "--qualifier",
                    "prod",
                    "--payload",
                    "fileb://event.json",
                    "out.json");
            assertThat(qualified.exitCode()).isNotZero();
            assertThat(qualified.err())
                    .contains("(ResourceNotFoundException) when calling the Invoke operation: Function not found: "
                            + "arn:aws:lambda:us-east-1:000000000000:function:load-splitter:prod");
        }
    }
}
