package dev.loadsplitter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@code forecast}: the whole command, its JSON contract and its refusals. */
class ForecastCommandTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void tenThousandTagsOfFiveSecondsRunAboutTwoAndAHalfMinutesThroughSqsAndOneThroughInvoke() throws Exception {
        RunCommandIT.Result result = RunCommandIT.cli(
                "forecast", "--items", "10000", "--delay", "5s", "--maximum-concurrency", "1000", "--json");

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode forecast = json.readTree(result.out());
        assertThat(forecast.get("items").asLong()).isEqualTo(10_000);
        assertThat(forecast.get("serialSeconds").asDouble()).isEqualTo(50_000);
        JsonNode sqs = forecast.at("/dispatch/sqs");
        JsonNode provisioned = forecast.at("/dispatch/sqs-provisioned");
        JsonNode invoke = forecast.at("/dispatch/invoke");
        assertThat(sqs.get("wallSeconds").asDouble()).isBetween(130.0, 170.0);
        assertThat(invoke.get("wallSeconds").asDouble()).isBetween(50.0, 75.0);
        assertThat(provisioned.get("wallSeconds").asDouble())
                .isLessThan(sqs.get("wallSeconds").asDouble())
                .isGreaterThan(invoke.get("wallSeconds").asDouble());
        assertThat(invoke.get("peakConcurrency").asInt()).isEqualTo(1_000);
        // The root, 10 splits of 1,000 (SplitPolicy.itemsPerSubTask), 10,000 one-tag sub-tasks.
        assertThat(sqs.get("invocations").asLong()).isEqualTo(10_011);
        for (JsonNode path : new JsonNode[] {sqs, provisioned, invoke}) {
            assertThat(path.get("costUsd").asDouble()).isPositive();
            assertThat(path.get("gbSeconds").asDouble()).isGreaterThanOrEqualTo(50_000);
        }
        assertThat(invoke.get("sqsRequests").asLong()).isZero();
        assertThat(forecast.get("assumptions")).isNotEmpty().allSatisfy(assumption -> {
            assertThat(assumption.get("source").asText()).isNotBlank();
            assertThat(assumption.get("read").asText()).isEqualTo("2026-11-26");
        });
    }

    @Test
    void theItemsOfAnEventAreCountedByTheFunctionsTaskType() throws Exception {
        RunCommandIT.Result result =
                RunCommandIT.cli("forecast", "--delay", "1s", "--json", "../examples/events/create-tags-5.json");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(json.readTree(result.out()).get("items").asLong()).isEqualTo(5);
    }

    @Test
    void theWorkPerItemCanComeFromALocalRunsMeasurement(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path run = java.nio.file.Files.writeString(
                dir.resolve("run.json"), "{\"serialEstimateMs\": 2000, \"itemsProcessed\": 4}");

        RunCommandIT.Result result =
                RunCommandIT.cli("forecast", "--items", "10", "--from-run", run.toString(), "--json");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(json.readTree(result.out()).get("serialSeconds").asDouble()).isEqualTo(5.0);
    }

    @Test
    void anOverriddenAssumptionIsUsedAndShownAsTheUsers() throws Exception {
        RunCommandIT.Result free = RunCommandIT.cli(
                "forecast",
                "--items",
                "100",
                "--assume",
                "price.lambda.gbSecond.arm64=0",
                "--assume",
                "price.lambda.requestsPerMillion=0",
                "--assume",
                "price.sqs.requestsPerMillion=0",
                "--json");

        JsonNode forecast = json.readTree(free.out());
        assertThat(forecast.at("/dispatch/sqs/costUsd").asDouble()).isZero();
        assertThat(forecast.get("assumptions").toString()).contains("overridden by the user");
    }

    @Test
    void impossibleSettingsAreRefusedWithWhatToChange() {
        RunCommandIT.Result above = RunCommandIT.cli(
                "forecast", "--items", "10", "--maximum-concurrency", "1000", "--account-concurrency", "500");
        assertThat(above.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(above.err()).contains("--maximum-concurrency 1000 is above the account's concurrency of 500");

        RunCommandIT.Result both =
                RunCommandIT.cli("forecast", "--items", "10", "--minimum-pollers", "5", "--maximum-concurrency", "100");
        assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(both.err()).contains("cannot be set together");

        RunCommandIT.Result unknown = RunCommandIT.cli("forecast", "--items", "10", "--assume", "nope=1");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("No assumption is called 'nope'");
    }
}
