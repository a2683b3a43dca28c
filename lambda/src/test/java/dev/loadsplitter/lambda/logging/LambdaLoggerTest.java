package dev.loadsplitter.lambda.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.testing.CapturedOutput;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The function's log lines in Lambda's two formats, through SLF4J as the engine writes them. */
class LambdaLoggerTest {

    private final Logger log = LoggerFactory.getLogger("dev.loadsplitter.engine.internal.handler.SubTaskRecordHandler");

    @AfterEach
    void reset() {
        LogFormat.use(Map.of());
        MDC.clear();
    }

    @Test
    void textIsOneLinePerCallWithItsLevelAndShortName() {
        LogFormat.use(Map.of("AWS_LAMBDA_LOG_FORMAT", "Text"));
        try (CapturedOutput output = CapturedOutput.start()) {
            log.info("processed {} tag", 1);
            log.debug("not at INFO");

            assertThat(output.text().lines()).containsExactly("[INFO] SubTaskRecordHandler - processed 1 tag");
        }
    }

    @Test
    void aLineEndInsideAValueCannotSplitATextLine() {
        LogFormat.use(Map.of("AWS_LAMBDA_LOG_FORMAT", "Text"));
        try (CapturedOutput output = CapturedOutput.start()) {
            log.warn(
                    "sub-task {} failed",
                    "job-1/3\n[INFO] SubTaskRecordHandler - processed 1 tag\r",
                    new IllegalStateException("bad\n[INFO] Forged - all is well"));

            assertThat(output.text().lines().toList())
                    .startsWith(
                            "[WARN] SubTaskRecordHandler - sub-task job-1/3\\n[INFO] SubTaskRecordHandler - processed 1 "
                                    + "tag\\r failed",
                            "java.lang.IllegalStateException: bad\\n[INFO] Forged - all is well")
                    .filteredOn(line -> line.startsWith("["))
                    .as("log lines: the one written, no forged one")
                    .hasSize(1);
        }
    }

    @Test
    void jsonCarriesTheLevelTheMessageAndTheInvocationsKeys() throws Exception {
        LogFormat.use(Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON", "AWS_LAMBDA_LOG_LEVEL", "WARN"));
        MDC.put("requestId", "req-1");
        MDC.put("jobId", "job-1");
        MDC.put("partId", "3");
        MDC.put("messageId", "m-1");
        try (CapturedOutput output = CapturedOutput.start()) {
            log.info("below the level: dropped");
            log.warn("failed its last receive", new IllegalStateException("closed"));

            assertThat(output.text().lines()).hasSize(1);
            JsonNode line = new ObjectMapper().readTree(output.text());
            assertThat(line.get("level").asText()).isEqualTo("WARN");
            assertThat(line.get("message").asText()).isEqualTo("failed its last receive");
            assertThat(line.get("requestId").asText()).isEqualTo("req-1");
            assertThat(line.get("jobId").asText()).isEqualTo("job-1");
            assertThat(line.get("partId").asText()).isEqualTo("3");
            assertThat(line.get("messageId").asText()).isEqualTo("m-1");
            assertThat(line.get("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
            assertThat(line.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        }
    }

    private static Exception userFailure() {
        return new java.io.IOException("https://example.com/a could not be reached");
    }

    @Test
    void aFailureShowsItsClassMessageAndStackOnceInText() {
        LogFormat.use(Map.of());
        try (CapturedOutput output = CapturedOutput.start()) {
            log.warn("messageId=m-1: failed", new IllegalStateException("2 items failed", userFailure()));

            String text = output.text();
            assertThat(text.lines().filter(line -> line.equals("[WARN] SubTaskRecordHandler - messageId=m-1: failed")))
                    .hasSize(1);
            assertThat(text.lines().filter(line -> line.equals("java.lang.IllegalStateException: 2 items failed")))
                    .hasSize(1);
            assertThat(text.lines()
                            .filter(line -> line.equals(
                                    "Caused by: java.io.IOException: https://example.com/a could not be reached")))
                    .hasSize(1);
            assertThat(text.lines().filter(line -> line.contains("LambdaLoggerTest.userFailure(")))
                    .hasSize(1);
        }
    }

    @Test
    void aFailureShowsItsClassMessageAndStackOnceInJson() throws Exception {
        LogFormat.use(Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON"));
        try (CapturedOutput output = CapturedOutput.start()) {
            log.warn("messageId=m-1: failed", new IllegalStateException("2 items failed", userFailure()));

            assertThat(output.text().lines()).hasSize(1);
            JsonNode line = new ObjectMapper().readTree(output.text());
            assertThat(line.get("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
            assertThat(line.get("errorMessage").asText()).isEqualTo("2 items failed");
            String stack = line.get("stackTrace").asText();
            assertThat(stack.lines().filter(l -> l.equals("java.lang.IllegalStateException: 2 items failed")))
                    .hasSize(1);
            assertThat(stack.lines()
                            .filter(l -> l.equals(
                                    "Caused by: java.io.IOException: https://example.com/a could not be reached")))
                    .hasSize(1);
            assertThat(stack.lines().filter(l -> l.contains("LambdaLoggerTest.userFailure(")))
                    .hasSize(1);
        }
    }
}
