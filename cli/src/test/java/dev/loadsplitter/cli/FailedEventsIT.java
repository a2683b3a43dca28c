package dev.loadsplitter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.local.LocalEnvironment;
import dev.loadsplitter.local.LocalSettings;
import dev.loadsplitter.local.container.Trigger;
import dev.loadsplitter.local.invoke.DestinationRecord;
import dev.loadsplitter.local.invoke.LambdaApiServer;
import dev.loadsplitter.local.report.RunRecorder;
import dev.loadsplitter.local.report.RunSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The failed-events destination, its consumer stopped: an event that failed every asynchronous attempt is
 * listed by {@code dlq list}, and {@code dlq redrive} invokes the function with it again, which finishes only
 * what was left: the processing records suppress every sub-task already done.
 */
class FailedEventsIT {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void redrivingFailedEventsFinishesOnlyWhatWasLeft() throws Exception {
        FunctionOptions options = new FunctionOptions();
        MappingOptions mapping = new MappingOptions();
        new picocli.CommandLine(new Object() {
                    @picocli.CommandLine.Mixin
                    FunctionOptions function = options;

                    @picocli.CommandLine.Mixin
                    MappingOptions queue = mapping;
                })
                .registerConverter(Duration.class, new DurationConverter())
                .parseArgs("--delay", "0", "--concurrency", "20");
        LocalSettings settings = options.toSettings(mapping, "127.0.0.1", 0, true);
        RunRecorder recorder = new RunRecorder(json, 1, 10, settings.dlqName(), record -> {});
        try (LocalEnvironment environment = LocalEnvironment.start(
                        settings, recorder, (requestId, at, message) -> System.err.println(message));
                LambdaApiServer api = LambdaApiServer.start(
                        "127.0.0.1", 0, environment.function(), environment.async(), environment.functionArn())) {
            byte[] fiveTags = Files.readAllBytes(Path.of("..", "examples", "events", "create-tags-5.json"));
            // The first attempt split and finished all five tags, but its answer was lost.
            assertThat(environment.function().invoke(fiveTags, Trigger.SYNC).isError())
                    .isFalse();
            assertThat(environment.awaitDrained(Duration.ofSeconds(30))).isTrue();
            // Our handler consumes its failed events itself (FailedEventConsumerIT); stopped here, the queue is what
            // another function's failed events, or a deployment without that mapping, leave for 'dlq list|redrive'.
            environment.failedEventsMapping().stop(Duration.ofSeconds(5));
            String failedEvents = environment.failedEventsUrl();
            String reformatted = json.writerWithDefaultPrettyPrinter().writeValueAsString(json.readTree(fiveTags));
            for (String event : new String[] {
                reformatted, Files.readString(Path.of("..", "examples", "events", "create-tags-1.json"))
            }) {
                DestinationRecord record = new DestinationRecord(
                        "req-1",
                        environment.functionArn() + ":$LATEST",
                        "RetriesExhausted",
                        3,
                        Instant.now(),
                        json.readTree(event),
                        json.createObjectNode().put("errorMessage", "Task timed out after 1.00 seconds"));
                environment
                        .sqs()
                        .client()
                        .sendMessage(request -> request.queueUrl(failedEvents)
                                .messageBody(record.toJson().toString()));
            }

            RunCommandIT.Result list = RunCommandIT.cli("dlq", "list", "--queue-url", failedEvents);
            RunCommandIT.Result redrive = RunCommandIT.cli(
                    "dlq",
                    "redrive",
                    "--queue-url",
                    failedEvents,
                    "--lambda-endpoint-url",
                    "http://127.0.0.1:" + api.port());
            assertThat(environment.awaitDrained(Duration.ofSeconds(30))).isTrue();

            assertThat(list.exitCode()).as(list.err()).isZero();
            assertThat(list.out()
                            .lines()
                            .filter(line -> line.contains("  event  "))
                            .toList())
                    .hasSize(2)
                    .allSatisfy(
                            line -> assertThat(line).contains("3 inv").endsWith("Task timed out after 1.00 seconds"));
            assertThat(redrive.exitCode()).as(redrive.err()).isZero();
            assertThat(redrive.out())
                    .contains("invoked 2 failed events from " + failedEvents + " asynchronously to load-splitter");
            assertThat(environment.sqs().depth(failedEvents).total()).isZero();
            RunSummary summary = recorder.summary(0, 0, environment.deadLetters());
            assertThat(summary.itemsProcessed())
                    .as("five tags once, and the one tag never done before")
                    .isEqualTo(6);
            assertThat(summary.duplicatesSuppressed())
                    .as("the finished job's event is a duplicate of its job: nothing of it is queued or done again")
                    .isZero();
        }
    }
}
