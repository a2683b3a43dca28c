package dev.loadsplitter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadsplitter.engine.config.Setting;
import dev.loadsplitter.function.FunctionSettings;
import dev.loadsplitter.local.LocalSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The names the local runtime hands the function are the ones the function reads. */
class FunctionOptionsTest {

    @Test
    void theVariablesTheCliSetsAreTheFunctionsOwn() {
        List<String> read = FunctionSettings.all().stream().map(Setting::name).toList();

        assertThat(read).contains(FunctionOptions.PROCESSING_DELAY, "MAX_ITEMS_PER_TASK", "QUEUE_URL");
        assertThat(LocalSettings.HANDLER).isEqualTo(FunctionSettings.HANDLER);
    }

    @Test
    void theSettingsCarryTheOptionsToTheFunctionsEnvironment() {
        FunctionOptions options = new FunctionOptions();
        options.delay = java.time.Duration.ofMillis(1_500);
        options.maxItemsPerTask = 7;
        options.functionTimeout = java.time.Duration.ofSeconds(30);
        options.memoryMb = 512;
        MappingOptions mapping = new MappingOptions();
        mapping.concurrency = 20;
        options.functionJar = java.nio.file.Path.of("..", "function", "target", "load-splitter-function.jar");
        options.extraEnvironment.put("SEND_CONCURRENCY", "16");

        LocalSettings settings = options.toSettings(mapping, "127.0.0.1", 0, true);

        assertThat(settings.environment())
                .containsEntry("PROCESSING_DELAY", "1500")
                .containsEntry("MAX_ITEMS_PER_TASK", "7")
                .containsEntry("SEND_CONCURRENCY", "16");
        assertThat(settings.reservedConcurrency())
                .as("room beside the mapping for direct invocations")
                .isEqualTo(30);
        assertThat(settings.visibilityTimeout())
                .as("6 x the function timeout, as AWS advises")
                .isEqualTo(java.time.Duration.ofSeconds(180));
    }

    @Test
    void anEnvironmentVariableAnOptionSetsIsRefusedNamingBoth() {
        FunctionOptions options = new FunctionOptions();
        options.delay = java.time.Duration.ofMillis(5);
        options.functionTimeout = java.time.Duration.ofSeconds(30);
        options.extraEnvironment.put("PROCESSING_DELAY", "100");

        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> options.toSettings(new MappingOptions(), "127.0.0.1", 0, true))
                .isInstanceOf(UsageException.class)
                .hasMessage("--env PROCESSING_DELAY=100 would be overwritten by --delay, which sets PROCESSING_DELAY; "
                        + "use --delay instead.");
    }

    @Test
    void variablesTheRuntimeOrLambdaSetsAreRefused() {
        for (String name : List.of("QUEUE_URL", "AWS_ENDPOINT_URL_SQS", "AWS_LAMBDA_LOG_FORMAT")) {
            FunctionOptions options = new FunctionOptions();
            options.extraEnvironment.put(name, "x");
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> options.toSettings(new MappingOptions(), "127.0.0.1", 0, true))
                    .hasMessageStartingWith("--env " + name + "=x would be overwritten by ");
        }
        FunctionOptions options = new FunctionOptions();
        options.extraEnvironment.put("AWS_LAMBDA_FUNCTION_NAME", "other");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> options.toSettings(new MappingOptions(), "127.0.0.1", 0, true))
                .hasMessageContaining("Lambda reserves AWS_LAMBDA_FUNCTION_NAME");
    }
}
