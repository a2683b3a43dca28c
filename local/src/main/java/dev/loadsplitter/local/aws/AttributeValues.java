package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * DynamoDB attribute values in their wire form ({@code {"S":"…"}}, {@code {"N":"12"}},
 * {@code {"BOOL":true}}, {@code {"M":{…}}}, …): comparing, adding and telling their types, as
 * DynamoDB's expressions do.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
 */
final class AttributeValues {

    private AttributeValues() {}

    /** {@code S}, {@code N}, {@code BOOL}, {@code M}, …: the value's one type key. */
    static String type(JsonNode value) {
        Iterator<String> names = value.fieldNames();
        if (!names.hasNext()) {
            throw DynamoDbException.validation("An attribute value has no type: " + value);
        }
        return names.next();
    }

    static ObjectNode number(BigDecimal number) {
        return JsonNodeFactory.instance
                .objectNode()
                .put("N", number.stripTrailingZeros().toPlainString());
    }

    static BigDecimal numberOf(JsonNode value, String what) {
        if (!"N".equals(type(value))) {
            throw DynamoDbException.validation("An operand in the update expression has an incorrect data type: " + what
                    + " is " + type(value) + ", expected N");
        }
        return new BigDecimal(value.get("N").asText());
    }

    /** Equal as DynamoDB means it: same type and value, numbers by value. */
    static boolean same(JsonNode left, JsonNode right) {
        if (left == null || right == null) {
            return false;
        }
        String type = type(left);
        if (!type.equals(type(right))) {
            return false;
        }
        if (type.equals("N")) {
            return numberOf(left, "left").compareTo(numberOf(right, "right")) == 0;
        }
        return Objects.equals(left, right);
    }

    /**
     * Orders two values of the same scalar type (N by value, S and B by their bytes); empty when
     * they cannot be ordered, which makes a comparison false, as in DynamoDB.
     */
    static java.util.OptionalInt compare(JsonNode left, JsonNode right) {
        if (left == null || right == null) {
            return java.util.OptionalInt.empty();
        }
        String type = type(left);
        if (!type.equals(type(right))) {
            return java.util.OptionalInt.empty();
        }
        return switch (type) {
            case "N" -> java.util.OptionalInt.of(numberOf(left, "left").compareTo(numberOf(right, "right")));
            case "S", "B" ->
                java.util.OptionalInt.of(
                        left.get(type).asText().compareTo(right.get(type).asText()));
            default -> java.util.OptionalInt.empty();
        };
    }

    /** The value of a map attribute's entry, for a path such as {@code a.b}. */
    static JsonNode entry(JsonNode map, String name) {
        if (map == null || !"M".equals(type(map))) {
            return null;
        }
        return map.get("M").get(name);
    }

    /** Copies an item, so a failed condition or transaction leaves the stored one as it was. */
    static ObjectNode copy(Map<String, JsonNode> item) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        item.forEach((name, value) -> node.set(name, value.deepCopy()));
        return node;
    }
}
