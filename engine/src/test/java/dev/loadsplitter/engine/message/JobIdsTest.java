package dev.loadsplitter.engine.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JobIdsTest {

    private final ObjectMapper json = EventJson.create();

    @Test
    void anEventBridgeEventIsKnownByItsId() throws Exception {
        String event = "{\"id\":\"abc-123\",\"detail-type\":\"AWS API Call via CloudTrail\",\"detail\":{}}";
        assertThat(JobIds.derive(json.readTree(event))).isEqualTo("abc-123");
    }

    @Test
    void anyOtherEventIsKnownByTheHashOfItsJsonSoARetryGetsTheSameId() throws Exception {
        String event = "{\"detail\":{\"eventName\":\"CreateTags\"}}";
        String first = JobIds.derive(json.readTree(event));
        String again = JobIds.derive(json.readTree(event));
        String other = JobIds.derive(json.readTree("{\"detail\":{}}"));

        assertThat(first).matches("sha256-[0-9a-f]{32}").isEqualTo(again).isNotEqualTo(other);
    }

    @Test
    void theSameEventWrittenWithOtherWhitespaceIsTheSameJobButNumbersStayAsWritten() throws Exception {
        String spaced = JobIds.derive(json.readTree("{ \"detail\" : { \"price\" : 2.50 } }"));
        String compact = JobIds.derive(json.readTree("{\"detail\":{\"price\":2.50}}"));
        String shorter = JobIds.derive(json.readTree("{\"detail\":{\"price\":2.5}}"));

        assertThat(spaced).isEqualTo(compact).isNotEqualTo(shorter);
    }
}
