package dev.loadsplitter.local.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The expression parser's limits, and the document paths it reads and writes. */
class ExpressionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Placeholders placeholders(String json) throws Exception {
        return Placeholders.of(JSON.readTree(json));
    }

    private static Map<String, JsonNode> item(String json) throws Exception {
        Map<String, JsonNode> item = new LinkedHashMap<>();
        JSON.readTree(json).properties().forEach(e -> item.put(e.getKey(), e.getValue()));
        return item;
    }

    @Test
    void parenthesesNestThirtyTwoDeepAndNoDeeper() throws Exception {
        String values = "{\"ExpressionAttributeValues\":{\":v\":{\"N\":\"1\"}}}";
        // The expression itself is one level; 31 parentheses inside it make 32.
        String deepest = "(".repeat(31) + "a = :v" + ")".repeat(31);
        assertThat(Expressions.condition("ConditionExpression", deepest, placeholders(values))
                        .test(item("{\"a\":{\"N\":\"1\"}}")))
                .isTrue();

        String tooDeep = "(".repeat(32) + "a = :v" + ")".repeat(32);
        assertThatThrownBy(() -> Expressions.condition("ConditionExpression", tooDeep, placeholders(values)))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageStartingWith(
                        "Invalid ConditionExpression: The expression is nested too deeply: more than 32 "
                                + "levels of parentheses, NOT and functions");
        String manyNots = "NOT ".repeat(40) + "a = :v";
        assertThatThrownBy(() -> Expressions.condition("FilterExpression", manyNots, placeholders(values)))
                .hasMessageStartingWith("Invalid FilterExpression: The expression is nested too deeply");
        String nestedFunctions = "SET a = " + "if_not_exists(a, ".repeat(40) + ":v" + ")".repeat(40);
        assertThatThrownBy(() -> Expressions.update(nestedFunctions, placeholders(values)))
                .hasMessageStartingWith("Invalid UpdateExpression: The expression is nested too deeply");
    }

    @Test
    void anExpressionIsAtMostFourKilobytesWithAtMostThreeHundredOperators() throws Exception {
        String values = "{\"ExpressionAttributeValues\":{\":v\":{\"N\":\"1\"}}}";
        String longest = "a = :v AND " + "b".repeat(4096 - "a = :v AND  = :v".length()) + " = :v";
        assertThat(longest).hasSize(4096);
        Expressions.condition("ConditionExpression", longest, placeholders(values));
        assertThatThrownBy(() -> Expressions.condition("ConditionExpression", longest + " ", placeholders(values)))
                .hasMessage("Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; "
                        + "expression size: 4097 bytes, the limit is 4096");

        String many = String.join(" OR ", java.util.Collections.nCopies(151, "a = :v"));
        assertThatThrownBy(() -> Expressions.condition("ConditionExpression", many, placeholders(values)))
                .hasMessage("Invalid ConditionExpression: The expression contains too many operators and functions; "
                        + "the limit is 300");
    }

    @Test
    void pathsReachIntoMapsAndListsForConditionsUpdatesAndProjections() throws Exception {
        Placeholders names = placeholders("{\"ExpressionAttributeNames\":{\"#j\":\"job\"},"
                + "\"ExpressionAttributeValues\":{\":b\":{\"S\":\"b\"},\":x\":{\"S\":\"x\"},\":two\":{\"N\":\"2\"}}}");
        Map<String, JsonNode> item = item("{\"job\":{\"M\":{\"tags\":{\"L\":[{\"S\":\"a\"},{\"S\":\"b\"}]}}}}");

        assertThat(Expressions.condition("ConditionExpression", "#j.tags[1] = :b AND size(#j.tags) = :two", names)
                        .test(item))
                .isTrue();
        Expressions.update("SET #j.tags[5] = :x REMOVE #j.tags[0]", names).forEach(action -> action.apply(item));
        names.requireAllUsed();

        assertThat(item.get("job").toString()).isEqualTo("{\"M\":{\"tags\":{\"L\":[{\"S\":\"b\"},{\"S\":\"x\"}]}}}");
        Map<String, JsonNode> projected = new LinkedHashMap<>();
        Expressions.projection("job.tags[1]", placeholders("{}")).forEach(path -> path.project(item, projected));
        assertThat(projected.get("job").toString()).isEqualTo("{\"M\":{\"tags\":{\"L\":[{\"S\":\"x\"}]}}}");
    }

    @Test
    void keyValuesOrderAsDynamoDbDoes() throws Exception {
        KeyValue bmp = KeyValue.of(JSON.readTree("{\"S\":\"\\uFFFD\"}"), "S", "sk");
        KeyValue emoji = KeyValue.of(JSON.readTree("{\"S\":\"\\uD83D\\uDE00\"}"), "S", "sk");
        assertThat(bmp.compareTo(emoji))
                .as("UTF-8 bytes, where String.compareTo says otherwise")
                .isNegative();
        assertThat("\uFFFD".compareTo("\uD83D\uDE00")).isPositive();

        KeyValue nine = KeyValue.of(JSON.readTree("{\"N\":\"9\"}"), "N", "sk");
        KeyValue ten = KeyValue.of(JSON.readTree("{\"N\":\"10\"}"), "N", "sk");
        assertThat(nine.compareTo(ten)).isNegative();
        assertThat(KeyValue.of(JSON.readTree("{\"N\":\"1.0\"}"), "N", "sk"))
                .isEqualTo(KeyValue.of(JSON.readTree("{\"N\":\"1\"}"), "N", "sk"));

        KeyValue low = KeyValue.of(JSON.readTree("{\"B\":\"fw==\"}"), "B", "sk"); // 0x7F
        KeyValue high = KeyValue.of(JSON.readTree("{\"B\":\"gA==\"}"), "B", "sk"); // 0x80
        assertThat(low.compareTo(high)).as("bytes unsigned").isNegative();
        assertThatThrownBy(() -> KeyValue.of(JSON.readTree("{\"N\":\"1\"}"), "S", "sk"))
                .hasMessage(
                        "One or more parameter values were invalid: Type mismatch for key sk expected: S actual: N");
    }

    @Test
    void stringsCompareAsTheirUtf8BytesForAnyMixOfPlanes() {
        java.util.Random random = new java.util.Random(18);
        int[] points = {'a', 'z', 0xE9, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF};
        int compared = 0;
        for (int n = 0; n < 20_000; n++) {
            String left = randomString(random, points);
            String right = randomString(random, points);
            int expected = java.util.Arrays.compareUnsigned(
                    left.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    right.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(Integer.signum(AttributeValues.compareCodePoints(left, right)))
                    .as("%s vs %s", left, right)
                    .isEqualTo(Integer.signum(expected));
            compared++;
        }
        assertThat(compared).isEqualTo(20_000);
    }

    private static String randomString(java.util.Random random, int[] points) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(4);
        for (int i = 0; i < length; i++) {
            text.appendCodePoint(points[random.nextInt(points.length)]);
        }
        return text.toString();
    }
}
