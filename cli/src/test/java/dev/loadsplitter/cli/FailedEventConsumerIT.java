package dev.loadsplitter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.local.fault.FaultBroker;
import dev.loadsplitter.local.fault.FaultPlan;
import dev.loadsplitter.local.fault.InvocationIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The failed-events queue's consumer (issue 19): an original event whose every asynchronous attempt
 * dies part-way through its split goes to the failed-events queue as Lambda's invocation record, and
 * the function, invoked by that queue's mapping, runs it again and finishes the split. The job closes
 * COMPLETED with every item processed once in its counts, with no 'dlq redrive' by hand.
 */
class FailedEventConsumerIT {

    private static final String FIFTY_TAGS = "../examples/events/create-tags-50.json";
    /** A seed whose crashes inside the function strike each of the event's three attempts after a few calls. */
    private static final long SEED = 7391;

    private static final double CRASH_INSIDE_RATE = 0.2;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aRootSplitThatFailedEveryAttemptPartWayIsFinishedByTheConsumer() throws Exception {
        // The premise, from the same decisions the run's endpoints make: each attempt's container dies just after
        // its fifth to eighth call (its claim, the job, the queue's attributes, a first SendMessageBatch or two), so
        // no attempt queues the whole split and none answers.
        byte[] event = Files.readAllBytes(Path.of(FIFTY_TAGS));
        FaultBroker faults = new FaultBroker(
                new FaultPlan(0, 0, 0, SEED).withCalls(new FaultPlan.CallRates(CRASH_INSIDE_RATE, 0, 0, 0)));
        assertThat(IntStream.rangeClosed(1, 3)
                        .mapToLong(attempt -> faults.plannedCrash(InvocationIdentity.event(event, attempt))
                                .orElse(-1))
                        .boxed())
                .allSatisfy(call -> assertThat(call).isBetween(5L, 8L));

        RunCommandIT.Result result = RunCommandIT.cli(
                "run",
                "--json",
                "--delay",
                "0",
                "--crash-inside-rate",
                Double.toString(CRASH_INSIDE_RATE),
                "--seed",
                Long.toString(SEED),
                // Each retry comes after the dead attempt's claim ran out (its lease is the function timeout).
                "--function-timeout",
                "2s",
                "--async-retry-pause",
                "3s",
                "--visibility-timeout",
                "4s",
                "--max-receive-count",
                "10",
                "--timeout",
                "120s",
                FIFTY_TAGS);

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode summary = json.readTree(result.out());
        assertThat(summary.get("failedEvents").asInt())
                .as("every asynchronous attempt at the event failed")
                .isEqualTo(1);
        assertThat(summary.get("jobStatus").asText()).isEqualTo("COMPLETED");
        assertThat(summary.get("job").get("processed").asLong()).isEqualTo(50);
        assertThat(summary.get("job").get("items").asLong()).isEqualTo(50);
        assertThat(summary.get("job").get("deadLettered").asLong()).isZero();
        assertThat(summary.get("job").get("skipped").asLong())
                .as("closed by its work, not by its deadline")
                .isZero();
        assertThat(summary.get("jobCompletedEvents").asInt()).isEqualTo(1);
        assertThat(result.err())
                .contains("the event's own invocation failed all 3 attempts")
                .contains("load-splitter-failed-events ran it again and finished what its attempts left")
                .doesNotContain("dlq redrive");
    }
}
