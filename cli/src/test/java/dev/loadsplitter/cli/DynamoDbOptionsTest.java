package dev.loadsplitter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadsplitter.local.aws.ItemCapacity;
import dev.loadsplitter.local.aws.LocalAwsSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The local DynamoDB's options of run and serve: in --help with their defaults, refused out of range before start. */
class DynamoDbOptionsTest {

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = LoadSplitterCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        // Help wraps its lines: compare words, not layout.
        return (exit + " " + out + err).replaceAll("\\s+", " ");
    }

    @Test
    void runAndServeNameTheWindowAndTheItemCapacityWithTheirDefaultsInHelp() {
        for (String command : new String[] {"run", "serve"}) {
            String help = run(command, "--help");
            assertThat(help)
                    .contains("--dynamodb-transaction-window=DURATION")
                    .contains("--dynamodb-item-write-units=UNITS")
                    .contains("--dynamodb-item-read-units=UNITS")
                    .contains("(default: 1000)")
                    .contains("(default: 3000)");
        }
        assertThat(run("run", "--help"))
                .contains("never conflicts; at most 10s (default: " + RunCommand.TRANSACTION_WINDOW);
        assertThat(run("serve", "--help"))
                .contains("never conflicts; at most 10s (default: " + ServeCommand.TRANSACTION_WINDOW);
    }

    @Test
    void aWindowOrACapacityOutOfRangeIsRefusedBeforeAnythingStartsNamingTheOption() {
        assertThat(run(
                        "serve",
                        "--sqs-port",
                        "0",
                        "--lambda-port",
                        "0",
                        "--aws-port",
                        "0",
                        "--dynamodb-transaction-window",
                        "11s"))
                .startsWith("2 ")
                .contains("--dynamodb-transaction-window must be from 0s to 10s, got PT11S.");
        assertThat(run(
                        "serve",
                        "--sqs-port",
                        "0",
                        "--lambda-port",
                        "0",
                        "--aws-port",
                        "0",
                        "--dynamodb-item-write-units",
                        "0"))
                .startsWith("2 ")
                .contains("--dynamodb-item-write-units must be from 1 to 1000000, got 0.");
    }

    @Test
    void theOptionsMakeTheEndpointsSettings() {
        DynamoDbOptions options = new DynamoDbOptions();
        options.writeUnits = 500;
        options.readUnits = 1500;

        LocalAwsSettings settings = options.settings(Duration.ofMillis(10), "--dynamodb-transaction-window");

        assertThat(settings.transactionWindow()).isEqualTo(Duration.ofMillis(10));
        assertThat(settings.itemCapacity()).isEqualTo(new ItemCapacity(500, 1500, Duration.ofSeconds(1)));
    }
}
