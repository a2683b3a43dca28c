package dev.loadsplitter.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.local.invoke.AsyncInvoker;
import dev.loadsplitter.local.invoke.DestinationRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Lambda's invocation record for an asynchronous event that failed every attempt. */
class FailedEventsDestinationTest {

    private static final ObjectMapper JSON = EventJson.create();
    private static final String ARN = "arn:aws:lambda:eu-west-1:000000000000:function:probe";
    private static final Instant AT = Instant.parse("2026-12-04T02:40:00Z");

    private static AsyncInvoker.FailedEvent failed(String payload, String lastError) {
        return new AsyncInvoker.FailedEvent(
                payload.getBytes(StandardCharsets.UTF_8), lastError, 3, AsyncInvoker.FailedEvent.RETRIES_EXHAUSTED);
    }

    @Test
    void keepsTheEventAndTheLastErrorAsJson() throws Exception {
        DestinationRecord record = FailedEventsDestination.record(
                JSON, ARN, failed("{\"items\":[1]}", "{\"errorMessage\":\"boom\",\"errorType\":\"E\"}"), AT);

        assertThat(record.functionArn()).isEqualTo(ARN + ":$LATEST");
        assertThat(record.condition()).isEqualTo("RetriesExhausted");
        assertThat(record.attempts()).isEqualTo(3);
        assertThat(record.at()).isEqualTo(AT);
        assertThat(record.requestPayload()).isEqualTo(JSON.readTree("{\"items\":[1]}"));
        assertThat(record.responsePayload())
                .isEqualTo(JSON.readTree("{\"errorMessage\":\"boom\",\"errorType\":\"E\"}"));
        assertThat(record.requestId()).isNotEmpty();
    }

    @Test
    void anEventOrAnErrorThatIsNotJsonIsKeptAsText() {
        DestinationRecord record = FailedEventsDestination.record(JSON, ARN, failed("not json", "Task timed out"), AT);

        assertThat(record.requestPayload().textValue()).isEqualTo("not json");
        assertThat(record.responsePayload().path("errorMessage").textValue()).isEqualTo("Task timed out");
    }

    @Test
    void anEventThatNeverGotAnErrorHasANullResponse() {
        DestinationRecord record = FailedEventsDestination.record(JSON, ARN, failed("{}", ""), AT);

        assertThat(record.responsePayload().isNull()).isTrue();
    }
}
