package dev.loadsplitter.cli;

import static dev.loadsplitter.cli.RunCommandIT.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The options for faults inside the function, end to end through the CLI with our function: checked
 * before anything starts, and every SQS call the function makes, from its sender's child threads
 * too, attributed to the invocation that made it through Lambda's trace header.
 */
class FaultsInsideIT {

    private static final String FIVE_TAGS = "../examples/events/create-tags-5.json";
    private final ObjectMapper json = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(
            strings = {
                "--crash-inside-rate",
                "--lost-response-rate",
                "--dynamodb-conflict-rate",
                "--dynamodb-throttle-rate",
                "--invoke-throttle-rate"
            })
    void aRateOutsideZeroToOneIsRefusedNamingItsOptionBeforeAnythingStarts(String option) {
        RunCommandIT.Result run = cli("run", option, "1.5", FIVE_TAGS);
        RunCommandIT.Result serve =
                cli("serve", "--sqs-port", "0", "--lambda-port", "0", "--aws-port", "0", option, "-0.1");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("load-splitter: " + option + " must be a fraction from 0 to 1, got 1.5.");
        assertThat(serve.exitCode()).as(serve.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(serve.err()).contains("load-splitter: " + option + " must be a fraction from 0 to 1, got -0.1.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "process"})
    void everyCallOfTheFunctionIsAttributedToItsInvocationAndTheFaultsAreReported(String isolation) throws Exception {
        // Every invocation of the event and of the work queue dies inside (the dead-letter queue's consumer is left
        // alone, so the run ends). The sender's SQS calls come from child threads of the invocation.
        RunCommandIT.Result result = cli(
                "run",
                "--delay",
                "0",
                "--isolation",
                isolation,
                "--crash-inside-rate",
                "1",
                "--async-retry-pause",
                "10ms",
                "--function-timeout",
                "5s",
                "--visibility-timeout",
                "1s",
                "--max-receive-count",
                "2",
                "--timeout",
                "60s",
                "--json",
                FIVE_TAGS);

        JsonNode summary = json.readTree(result.out());
        JsonNode faults = summary.path("faultsInside");
        assertThat(summary.path("drained").asBoolean()).as(result.err()).isTrue();
        assertThat(faults.path("attributedCalls").asLong()).as(result.err()).isPositive();
        assertThat(faults.path("unattributedCalls").asLong())
                .as("no call of the function's went without its invocation's trace header, but the one read each "
                        + "container's initialisation makes (the ledger's warm-up), which no invocation makes")
                .isLessThanOrEqualTo(summary.path("coldStarts").asLong());
        assertThat(faults.path("crashesInside").asLong())
                .as("at least the event's three attempts died")
                .isGreaterThanOrEqualTo(3);
        assertThat(result.err()).contains("injected crash inside the function (--crash-inside-rate)");
    }
}
