package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The attributes a read returns: all of them, or those a ProjectionExpression names. */
final class Projection {

    private static final Projection ALL = new Projection(List.of());

    private final List<DocumentPath> paths;

    private Projection(List<DocumentPath> paths) {
        this.paths = paths;
    }

    /** The request's ProjectionExpression, using its placeholders, or every attribute when it has none. */
    static Projection of(JsonNode request, Placeholders placeholders) {
        if (request.has("AttributesToGet")) {
            throw DynamoDbException.validation(
                    "AttributesToGet, the legacy parameter, is not served here; use ProjectionExpression");
        }
        String text = request.path("ProjectionExpression").asText("");
        return text.isEmpty() ? ALL : new Projection(Expressions.projection(text, placeholders));
    }

    boolean isAll() {
        return paths.isEmpty();
    }

    /** The item as the read returns it. */
    ObjectNode apply(StoredItem item) {
        if (paths.isEmpty()) {
            return item.json();
        }
        Map<String, JsonNode> projected = new LinkedHashMap<>();
        paths.forEach(path -> path.project(item.attributes(), projected));
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.setAll(projected);
        return node;
    }
}
