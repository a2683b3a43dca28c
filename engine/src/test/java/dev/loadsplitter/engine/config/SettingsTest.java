package dev.loadsplitter.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loadsplitter.engine.internal.config.EngineSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void defaultsMatchTheSample() {
        EngineSettings settings = EngineSettings.from(Map.of());

        assertThat(settings.policy().maxItemsPerTask()).isEqualTo(1);
        assertThat(settings.policy().maxMessageBytes()).isEqualTo(1_048_576);
        assertThat(settings.queueUrl()).isEmpty();
        assertThat(settings.queueName()).isEmpty();
    }

    @Test
    void readsEveryVariable() {
        EngineSettings settings = EngineSettings.from(Map.of(
                "QUEUE_URL",
                "http://q",
                "MAX_ITEMS_PER_TASK",
                "25",
                "MAX_MESSAGE_BYTES",
                "262144",
                "MAX_SPLIT_DEPTH",
                "3",
                "SEND_CONCURRENCY",
                "16",
                "SEND_MAX_ATTEMPTS",
                "7",
                "RECORD_CONCURRENCY",
                "4"));

        assertThat(settings.queueUrl()).contains("http://q");
        assertThat(settings.policy()).isEqualTo(new dev.loadsplitter.engine.internal.split.SplitPolicy(25, 262_144, 3));
        assertThat(settings.sender().concurrency()).isEqualTo(16);
        assertThat(settings.sender().maxAttempts()).isEqualTo(7);
        assertThat(settings.sender().maxBatchBytes()).isEqualTo(262_144);
        assertThat(settings.recordConcurrency()).isEqualTo(4);
    }

    @Test
    void aMalformedValueNamesTheVariableAndWhatItAccepts() {
        assertThatThrownBy(() -> EngineSettings.from(Map.of("MAX_ITEMS_PER_TASK", "ten")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage("MAX_ITEMS_PER_TASK='ten' is invalid: expected a whole number from 1 to 1000000. "
                        + "Fix the function's environment variable MAX_ITEMS_PER_TASK.");
        assertThatThrownBy(() -> EngineSettings.from(Map.of("MAX_SPLIT_DEPTH", "16")))
                .hasMessageStartingWith("MAX_SPLIT_DEPTH='16' is invalid: expected a whole number from 1 to 15.");
    }

    @Test
    void theFailedEventsConsumerNeedsAQueueToParkWhatCanNeverRun() {
        String arn = "arn:aws:sqs:us-east-1:000000000000:load-splitter-failed-events";

        assertThat(EngineSettings.from(Map.of("FAILED_EVENTS_QUEUE_ARN", arn, "PARKED_QUEUE_URL", "http://parked"))
                        .failedEventsQueueArn())
                .contains(arn);
        assertThat(EngineSettings.from(Map.of()).failedEventsQueueArn()).isEmpty();
        assertThatThrownBy(() -> EngineSettings.from(Map.of("FAILED_EVENTS_QUEUE_ARN", arn)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining(
                        "FAILED_EVENTS_QUEUE_ARN needs the queue to park failed events that can never " + "run in");
    }

    @Test
    void durationsReadInEveryDocumentedForm() {
        assertThat(DurationSetting.parse("5000")).isEqualTo(Duration.ofSeconds(5));
        assertThat(DurationSetting.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationSetting.parse("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(DurationSetting.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(DurationSetting.parse("PT1.5S")).isEqualTo(Duration.ofMillis(1_500));
        assertThat(DurationSetting.parse("0")).isZero();
    }

    @Test
    void aBadDurationNamesTheVariable() {
        Setting delay = new Setting("PROCESSING_DELAY", "5s", "test");
        assertThatThrownBy(() -> DurationSetting.read(delay, Map.of("PROCESSING_DELAY", "soon")))
                .hasMessageStartingWith("PROCESSING_DELAY='soon' is invalid: expected milliseconds (5000)");
        assertThatThrownBy(() -> DurationSetting.read(delay, Map.of("PROCESSING_DELAY", "PT-5S")))
                .isInstanceOf(InvalidSettingException.class);
        assertThat(DurationSetting.read(delay, Map.of())).isEqualTo(Duration.ofSeconds(5));
    }
}
