package dev.loadsplitter.engine.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.message.EventJson;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonItemListTest {

    private final ObjectMapper json = EventJson.create();
    private static final List<String> PATH = List.of("a", "b", "items");

    @Test
    void sliceLeavesTheOriginalUntouchedAndSharesUnrelatedNodes() throws Exception {
        JsonNode event = json.readTree("{\"a\":{\"b\":{\"items\":[1,2,3],\"k\":true},\"c\":{\"deep\":[1]}},\"z\":0}");
        JsonItemList list = ((Reading.Accepted<JsonItemList>) JsonItemList.locate(event, PATH)).task();

        JsonItemList slice = list.slice(1, 3);

        assertThat(json.writeValueAsString(slice.root()))
                .isEqualTo("{\"a\":{\"b\":{\"items\":[2,3],\"k\":true},\"c\":{\"deep\":[1]}},\"z\":0}");
        assertThat(json.writeValueAsString(event))
                .isEqualTo("{\"a\":{\"b\":{\"items\":[1,2,3],\"k\":true},\"c\":{\"deep\":[1]}},\"z\":0}");
        assertThat(slice.root().get("a").get("c")).isSameAs(event.get("a").get("c"));
    }

    @Test
    void locateNamesTheFirstFieldThatIsMissingOrOfTheWrongKind() throws Exception {
        assertThat(JsonItemList.locate(json.readTree("[]"), PATH))
                .isEqualTo(Reading.invalid("(root)", "must be a JSON object, got an array"));
        assertThat(JsonItemList.locate(json.readTree("{}"), PATH)).isEqualTo(Reading.invalid("a", "is missing"));
        assertThat(JsonItemList.locate(json.readTree("{\"a\":{\"b\":\"x\"}}"), PATH))
                .isEqualTo(Reading.invalid("a.b", "must be an object, got a string"));
        assertThat(JsonItemList.locate(json.readTree("{\"a\":{\"b\":{\"items\":{}}}}"), PATH))
                .isEqualTo(Reading.invalid("a.b.items", "must be an array, got an object"));
        assertThat(JsonItemList.locate(json.readTree("{\"a\":{\"b\":{\"items\":null}}}"), PATH))
                .isEqualTo(Reading.invalid("a.b.items", "must be an array, got null"));
    }
}
