package dev.loadsplitter.engine.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.internal.json.EventJson;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JobIdsTest {

    private final ObjectMapper json = EventJson.create();

    @Test
    void anEventBridgeEventIsKnownByItsId() throws Exception {
        String event = "{\"id\":\"abc-123\",\"detail-type\":\"AWS API Call via CloudTrail\",\"detail\":{}}";
        assertThat(JobIds.derive(json.readTree(event), event.getBytes(StandardCharsets.UTF_8))).isEqualTo("abc-123");
    }

    @Test
    void anyOtherEventIsKnownByTheHashOfItsBytesSoARetryGetsTheSameId() throws Exception {
        String event = "{\"detail\":{\"eventName\":\"CreateTags\"}}";
        String first = JobIds.derive(json.readTree(event), event.getBytes(StandardCharsets.UTF_8));
        String again = JobIds.derive(json.readTree(event), event.getBytes(StandardCharsets.UTF_8));
        String other = JobIds.derive(json.readTree("{\"detail\":{}}"), "{\"detail\":{}}".getBytes(StandardCharsets.UTF_8));

        assertThat(first).matches("sha256-[0-9a-f]{32}").isEqualTo(again).isNotEqualTo(other);
    }
}
