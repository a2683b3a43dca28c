package dev.loadsplitter.local.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoredItemTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, JsonNode> item() throws Exception {
        ObjectNode parsed = (ObjectNode) JSON.readTree("""
                {"pk": {"S": "job#1"}, "n": {"N": "7"},
                 "m": {"M": {"a": {"S": "x"}, "b": {"L": [{"N": "1"}, {"M": {"c": {"BOOL": true}}}]}}},
                 "ss": {"SS": ["p", "q"]}, "z": {"NULL": true}}
                """);
        Map<String, JsonNode> attributes = new LinkedHashMap<>();
        parsed.properties().forEach(e -> attributes.put(e.getKey(), e.getValue()));
        return attributes;
    }

    @Test
    void anItemReadsBackAsWrittenInItsOrder() throws Exception {
        StoredItem stored = StoredItem.of(item());

        assertThat(stored.json()).isEqualTo(JSON.valueToTree(item()));
        assertThat(JSON.writeValueAsString(stored.json())).isEqualTo(JSON.writeValueAsString(item()));
        assertThat(stored.attributes().keySet()).containsExactly("pk", "n", "m", "ss", "z");
        assertThat(stored.size()).isEqualTo(AttributeValues.itemSize(item()));
    }

    @Test
    void aStoredValueCannotBeChangedWhileACopyCanWithoutChangingTheStoredOne() throws Exception {
        StoredItem stored = StoredItem.of(item());
        ObjectNode pk = (ObjectNode) stored.attributes().get("pk");
        ObjectNode nested = (ObjectNode) stored.attributes().get("m").get("M");
        ArrayNode list = (ArrayNode) nested.get("b").get("L");

        assertThatThrownBy(() -> pk.put("S", "job#2")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> nested.remove("a")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> list.add(1)).isInstanceOf(UnsupportedOperationException.class);

        Map<String, JsonNode> copy = stored.copy();
        ((ObjectNode) copy.get("pk")).put("S", "job#2");
        ((ObjectNode) copy.get("m").get("M")).remove("a");
        ((ArrayNode) copy.get("m").get("M").get("b").get("L")).add(1);

        assertThat(stored.json()).isEqualTo(JSON.valueToTree(item()));
        assertThat(copy.get("pk").get("S").asText()).isEqualTo("job#2");
    }
}
