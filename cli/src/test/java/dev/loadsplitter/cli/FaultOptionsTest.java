package dev.loadsplitter.cli;

import static dev.loadsplitter.cli.RunCommandIT.cli;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loadsplitter.local.fault.FaultPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The fault options, where users find them, and what each one sets. */
class FaultOptionsTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "--crash-inside-rate",
                "--lost-response-rate",
                "--dynamodb-conflict-rate",
                "--dynamodb-throttle-rate",
                "--invoke-throttle-rate"
            })
    void eachFaultInsideTheFunctionIsInTheHelpOfRunAndServeTheCliPageAndTheReadme(String option) throws Exception {
        assertThat(cli("run", "--help").out()).contains(option + "=FRACTION");
        assertThat(cli("serve", "--help").out()).contains(option + "=FRACTION");
        assertThat(Files.readString(Path.of("..", "docs", "cli.md"))).contains("| `" + option + "` | `0` |");
        assertThat(Files.readString(Path.of("..", "README.md"))).contains("`" + option + "`");
        assertThat(Files.readString(Path.of("..", "docs", "reliability.md"))).contains("`" + option + "`");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "--fail-rate",
                "--crash-rate",
                "--timeout-rate",
                "--sqs-fault-rate",
                "--crash-inside-rate",
                "--lost-response-rate",
                "--dynamodb-conflict-rate",
                "--dynamodb-throttle-rate",
                "--invoke-throttle-rate"
            })
    void aRateOutsideZeroToOneIsRefusedNamingItsOption(String option) {
        MappingOptions above = new MappingOptions();
        new CommandLine(above).parseArgs(option, "1.5");
        MappingOptions below = new MappingOptions();
        new CommandLine(below).parseArgs(option, "-0.25");

        assertThatThrownBy(above::faultPlan)
                .isInstanceOf(UsageException.class)
                .hasMessage(option + " must be a fraction from 0 to 1, got 1.5.");
        assertThatThrownBy(below::faultPlan)
                .isInstanceOf(UsageException.class)
                .hasMessage(option + " must be a fraction from 0 to 1, got -0.25.");
    }

    @Test
    void theOptionsMakeThePlanTheRuntimeFollows() {
        MappingOptions mapping = new MappingOptions();
        mapping.crashInsideRate = 0.1;
        mapping.lostResponseRate = 0.2;
        mapping.dynamoDbConflictRate = 0.3;
        mapping.dynamoDbThrottleRate = 0.4;
        mapping.invokeThrottleRate = 0.5;
        mapping.failRate = 0.05;
        mapping.seed = 9;

        assertThat(mapping.faultPlan())
                .isEqualTo(new FaultPlan(0.05, 0, 0, 9, 0.5, new FaultPlan.CallRates(0.1, 0.2, 0.3, 0.4)));
    }
}
