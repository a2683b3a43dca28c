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
        options.concurrency = 20;
        options.batchSize = 1;
        options.batchingWindow = java.time.Duration.ZERO;
        options.maxReceiveCount = 5;
        options.asyncRetryPause = java.time.Duration.ofSeconds(1);
        options.functionJar = java.nio.file.Path.of("..", "function", "target", "load-splitter-function.jar");
        options.extraEnvironment.put("SEND_CONCURRENCY", "16");

        LocalSettings settings = options.toSettings("127.0.0.1", 0, true);

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
}
