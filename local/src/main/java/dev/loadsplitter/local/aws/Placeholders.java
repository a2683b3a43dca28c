package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A request's {@code ExpressionAttributeNames} and {@code ExpressionAttributeValues}, shared by all
 * its expressions, remembering which were used: DynamoDB refuses a request that defines a
 * placeholder none of its expressions uses, and so does this endpoint.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ExpressionAttributeNames.html
 */
final class Placeholders {

    private final Map<String, String> names = new HashMap<>();
    private final Map<String, JsonNode> values = new HashMap<>();
    private final Set<String> usedNames = new TreeSet<>();
    private final Set<String> usedValues = new TreeSet<>();

    private Placeholders(JsonNode request) {
        request.path("ExpressionAttributeNames")
                .properties()
                .forEach(e -> names.put(e.getKey(), e.getValue().asText()));
        request.path("ExpressionAttributeValues").properties().forEach(e -> values.put(e.getKey(), e.getValue()));
    }

    /** The placeholders of {@code request} (or of one action of a transaction or batch). */
    static Placeholders of(JsonNode request) {
        return new Placeholders(request);
    }

    String name(String placeholder) {
        String name = names.get(placeholder);
        if (name == null) {
            throw DynamoDbException.validation(
                    "An expression attribute name used in the document path is not defined; attribute name: "
                            + placeholder);
        }
        usedNames.add(placeholder);
        return name;
    }

    JsonNode value(String placeholder) {
        JsonNode value = values.get(placeholder);
        if (value == null) {
            throw DynamoDbException.validation(
                    "An expression attribute value used in expression is not defined; attribute value: " + placeholder);
        }
        usedValues.add(placeholder);
        return value;
    }

    /** Refuses placeholders that no expression of the request used, as DynamoDB does. */
    void requireAllUsed() {
        Set<String> unusedNames = new TreeSet<>(names.keySet());
        unusedNames.removeAll(usedNames);
        if (!unusedNames.isEmpty()) {
            throw DynamoDbException.validation(
                    "Value provided in ExpressionAttributeNames unused in expressions: keys: {"
                            + String.join(", ", unusedNames) + "}");
        }
        Set<String> unusedValues = new TreeSet<>(values.keySet());
        unusedValues.removeAll(usedValues);
        if (!unusedValues.isEmpty()) {
            throw DynamoDbException.validation("Value provided in ExpressionAttributeValues unused in expressions: "
                    + "keys: {" + String.join(", ", unusedValues) + "}");
        }
    }
}
