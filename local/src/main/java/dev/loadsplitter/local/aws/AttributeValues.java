package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * DynamoDB attribute values in their wire form ({@code {"S":"…"}}, {@code {"N":"12"}},
 * {@code {"BOOL":true}}, {@code {"M":{…}}}, …): comparing, adding, sizing and telling their types,
 * as DynamoDB's expressions and capacity accounting do.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
 */
final class AttributeValues {

    private AttributeValues() {}

    /** {@code S}, {@code N}, {@code BOOL}, {@code M}, …: the value's one type key. */
    static String type(JsonNode value) {
        Iterator<String> names = value.fieldNames();
        if (!names.hasNext()) {
            throw DynamoDbException.validation("Supplied AttributeValue is empty, must contain exactly one of the "
                    + "supported datatypes: " + value);
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
        return number(value.get("N").asText(), what);
    }

    private static BigDecimal number(String text, String what) {
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw DynamoDbException.validation(
                    "The parameter cannot be converted to a numeric value: " + what + " is '" + text + "'");
        }
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
     * Orders two values of the same scalar type as DynamoDB does: N by value, S by its UTF-8 bytes
     * (which is code point order), B by its bytes, unsigned; empty when they cannot be ordered, which
     * makes a comparison false, as in DynamoDB.
     * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html#Expressions.OperatorsAndFunctions.Comparators
     */
    static OptionalInt compare(JsonNode left, JsonNode right) {
        if (left == null || right == null) {
            return OptionalInt.empty();
        }
        String type = type(left);
        if (!type.equals(type(right))) {
            return OptionalInt.empty();
        }
        return switch (type) {
            case "N" -> OptionalInt.of(numberOf(left, "left").compareTo(numberOf(right, "right")));
            case "S" ->
                OptionalInt.of(
                        compareCodePoints(left.get("S").asText(), right.get("S").asText()));
            case "B" -> OptionalInt.of(Arrays.compareUnsigned(bytes(left), bytes(right)));
            default -> OptionalInt.empty();
        };
    }

    /**
     * Compares strings by code point, which orders them as their UTF-8 bytes do. String.compareTo
     * compares UTF-16 units, which differs only where a surrogate (a code point above U+FFFF) meets a
     * unit from U+E000 up; the first differing units decide, so only they need a closer look.
     */
    static int compareCodePoints(String left, String right) {
        int length = Math.min(left.length(), right.length());
        for (int i = 0; i < length; i++) {
            char a = left.charAt(i);
            char b = right.charAt(i);
            if (a != b) {
                if (!Character.isSurrogate(a) && !Character.isSurrogate(b)) {
                    return a - b;
                }
                // Decode from the start of the code point holding i (its high surrogate is common to both).
                int from = i > 0 && Character.isHighSurrogate(left.charAt(i - 1)) ? i - 1 : i;
                return byCodePoint(left, right, from);
            }
        }
        return left.length() - right.length();
    }

    private static int byCodePoint(String left, String right, int from) {
        int i = from;
        int j = from;
        while (i < left.length() && j < right.length()) {
            int a = left.codePointAt(i);
            int b = right.codePointAt(j);
            if (a != b) {
                return Integer.compare(a, b);
            }
            i += Character.charCount(a);
            j += Character.charCount(b);
        }
        return Integer.compare(left.length() - i, right.length() - j);
    }

    /** The bytes of a {@code B} value. */
    static byte[] bytes(JsonNode binary) {
        try {
            return Base64.getDecoder().decode(binary.get("B").asText());
        } catch (IllegalArgumentException e) {
            throw DynamoDbException.validation("Invalid binary value: it is not base64: " + binary);
        }
    }

    /** The value of a map attribute's entry, for a path such as {@code a.b}. */
    static JsonNode entry(JsonNode map, String name) {
        if (map == null || !"M".equals(type(map))) {
            return null;
        }
        return map.get("M").get(name);
    }

    /** The element of a list attribute, for a path such as {@code a[2]}. */
    static JsonNode element(JsonNode list, int index) {
        if (list == null || !"L".equals(type(list))) {
            return null;
        }
        JsonNode elements = list.get("L");
        return index < elements.size() ? elements.get(index) : null;
    }

    /** Copies an item, so a failed condition or transaction leaves the stored one as it was. */
    static ObjectNode copy(Map<String, JsonNode> item) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        item.forEach((name, value) -> node.set(name, value.deepCopy()));
        return node;
    }

    /**
     * An item's size as DynamoDB counts it for capacity and limits: each attribute's name in UTF-8
     * plus its value.
     * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
     */
    static int itemSize(Map<String, JsonNode> item) {
        int size = 0;
        for (Map.Entry<String, JsonNode> attribute : item.entrySet()) {
            size += utf8Length(attribute.getKey()) + size(attribute.getValue());
        }
        return size;
    }

    /**
     * A value's size: strings by their UTF-8 bytes, binary by its bytes, numbers about one byte per two
     * significant digits plus one, booleans and nulls one byte, lists and maps 3 bytes plus one byte
     * and the size of each element (and of each map key), sets the sum of their members.
     */
    static int size(JsonNode value) {
        String type = type(value);
        JsonNode content = value.get(type);
        return switch (type) {
            case "S" -> utf8Length(content.asText());
            case "N" -> numberSize(content.asText());
            case "B" -> bytes(value).length;
            case "BOOL", "NULL" -> 1;
            case "SS" -> {
                int total = 0;
                for (JsonNode member : content) {
                    total += utf8Length(member.asText());
                }
                yield total;
            }
            case "NS" -> {
                int total = 0;
                for (JsonNode member : content) {
                    total += numberSize(member.asText());
                }
                yield total;
            }
            case "BS" -> {
                int total = 0;
                for (JsonNode member : content) {
                    total += Base64.getDecoder().decode(member.asText()).length;
                }
                yield total;
            }
            case "L" -> {
                int total = 3;
                for (JsonNode element : content) {
                    total += 1 + size(element);
                }
                yield total;
            }
            case "M" -> {
                int total = 3;
                for (Map.Entry<String, JsonNode> entry : content.properties()) {
                    total += 1 + utf8Length(entry.getKey()) + size(entry.getValue());
                }
                yield total;
            }
            default -> throw DynamoDbException.validation("Unknown attribute value type " + type + " in " + value);
        };
    }

    private static int numberSize(String text) {
        String digits = number(text, "a number").unscaledValue().abs().toString();
        int first = 0;
        int last = digits.length();
        while (first < last && digits.charAt(first) == '0') {
            first++;
        }
        while (last > first && digits.charAt(last - 1) == '0') {
            last--;
        }
        return Math.max(1, (last - first + 1) / 2) + 1;
    }

    static int utf8Length(String text) {
        int ascii = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return text.getBytes(StandardCharsets.UTF_8).length;
            }
            ascii++;
        }
        return ascii;
    }
}
