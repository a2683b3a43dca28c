package dev.loadsplitter.function;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.engine.testing.CapturedOutput;
import dev.loadsplitter.lambda.LoadSplitterHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed input, each case with its exact outcome: a 400 for a direct event, a batch item failure
 * for an SQS record, and one log line naming the problem. Nothing throws, nothing is retried
 * forever: a 400 is a successful invocation for Lambda, and a failed record is retried up to the
 * redrive policy's receive count, then dead-lettered.
 */
class BadInputMatrixTest {

    private static final ObjectMapper JSON = EventJson.create();
    private static final String INVALID = "{\"statusCode\":400,\"count\":0,\"body\":\"invalid event argument\"}";
    private static final String CREATE_TAGS_PREFIX = "{\"detail\":{\"eventName\":\"CreateTags\",\"requestParameters\":";
    private static LoadSplitterHandler handler;

    @BeforeAll
    static void start() {
        handler = new LoadSplitterHandler(OwnLedger.environment(Map.of("PROCESSING_DELAY", "0")));
    }

    @AfterAll
    static void stop() throws Exception {
        handler.close();
    }

    private static String withParameters(String requestParameters) {
        return CREATE_TAGS_PREFIX + requestParameters + "}}";
    }

    private static String validTags(String resources) {
        return withParameters(
                "{\"tagSet\":{\"items\":[{\"key\":\"a\",\"value\":\"b\"}]},\"resourcesSet\":" + resources + "}");
    }

    private static Arguments direct(String name, Supplier<byte[]> payload, String logged) {
        return Arguments.of(name, payload, INVALID, "requestId=req-42: invalid event argument: " + logged);
    }

    private static Arguments direct(String name, String payload, String logged) {
        return direct(name, () -> payload.getBytes(StandardCharsets.UTF_8), logged);
    }

    /** A batch of one good record and one bad record with {@code body} (null for none). */
    private static Arguments record(String name, Object body, String logged) {
        return Arguments.of(
                name,
                (Supplier<byte[]>) () -> batch(body, Map.of()),
                "{\"batchItemFailures\":[{\"itemIdentifier\":\"m-bad\"}]}",
                "messageId=m-bad: failed, left on the queue for redelivery (receive count 1): " + logged);
    }

    private static byte[] batch(Object badBody, Map<String, String> badAttributes) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode records = event.putArray("Records");
        ObjectNode good = records.addObject()
                .put("messageId", "m-good")
                .put("eventSource", "aws:sqs")
                .put("body", Events.example("create-tags-1.json"));
        good.putObject("attributes").put("ApproximateReceiveCount", "1");
        ObjectNode bad = records.addObject().put("messageId", "m-bad").put("eventSource", "aws:sqs");
        if (badBody instanceof String text) {
            bad.put("body", text);
        } else if (badBody instanceof Integer number) {
            bad.put("body", number);
        }
        bad.putObject("attributes").put("ApproximateReceiveCount", "1");
        ObjectNode attributes = bad.putObject("messageAttributes");
        badAttributes.forEach((key, value) ->
                attributes.putObject(key).put("stringValue", value).put("dataType", "String"));
        try {
            return JSON.writeValueAsBytes(event);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                // Not JSON, or not the JSON we accept.
                direct(
                        "truncated JSON",
                        "{\"detail\":{\"eventName\":\"CreateTags\"",
                        "the payload is not valid JSON (Unexpected end-of-input"),
                direct("plain text", "hello", "the payload is not valid JSON (Unrecognized token 'hello'"),
                direct("empty payload", "", "(root) must be a JSON object, got nothing"),
                direct("whitespace only", "   \n ", "(root) must be a JSON object, got nothing"),
                direct("NaN literal", "{\"detail\":NaN}", "the payload is not valid JSON (Non-standard token 'NaN'"),
                direct(
                        "single quotes",
                        "{'detail':{}}",
                        "the payload is not valid JSON (Unexpected character (''' (code 39))"),
                direct(
                        "duplicate keys",
                        "{\"detail\":{},\"detail\":{}}",
                        "the payload is not valid JSON (Duplicate field 'detail')"),
                direct("trailing garbage", "{\"detail\":{}} {}", "the payload is not valid JSON (Trailing token"),
                direct(
                        "invalid UTF-8",
                        () -> new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'},
                        "the payload is not valid JSON (Invalid UTF-8 start byte 0xff"),
                // Wrong kinds at the root.
                direct("root array", "[]", "(root) must be a JSON object, got an array"),
                direct("root string", "\"CreateTags\"", "(root) must be a JSON object, got a string"),
                direct("root number", "42", "(root) must be a JSON object, got a number"),
                direct("root null", "null", "(root) must be a JSON object, got null"),
                direct("root boolean", "true", "(root) must be a JSON object, got a boolean"),
                // Nulls and wrong types at every level.
                direct("detail null", "{\"detail\":null}", "detail must be an object, got null"),
                direct("detail array", "{\"detail\":[]}", "detail must be an object, got an array"),
                direct(
                        "eventName null",
                        "{\"detail\":{\"eventName\":null}}",
                        "detail.eventName must be a string, got null"),
                direct(
                        "eventName object",
                        "{\"detail\":{\"eventName\":{}}}",
                        "detail.eventName must be a string, got an object"),
                direct(
                        "requestParameters null",
                        withParameters("null"),
                        "detail.requestParameters must be an object, got null"),
                direct(
                        "requestParameters string",
                        withParameters("\"x\""),
                        "detail.requestParameters must be an object, got a string"),
                direct("tagSet missing", withParameters("{}"), "detail.requestParameters.tagSet is missing"),
                direct(
                        "tagSet array",
                        withParameters("{\"tagSet\":[]}"),
                        "detail.requestParameters.tagSet must be an object, got an array"),
                direct(
                        "tag items null",
                        withParameters("{\"tagSet\":{\"items\":null}}"),
                        "detail.requestParameters.tagSet.items must be an array, got null"),
                direct(
                        "tag item null",
                        withParameters("{\"tagSet\":{\"items\":[null]}}"),
                        "detail.requestParameters.tagSet.items[0] must be an object with a key, got null"),
                direct(
                        "tag key number",
                        withParameters("{\"tagSet\":{\"items\":[{\"key\":1}]}}"),
                        "detail.requestParameters.tagSet.items[0].key must be a string, got a number"),
                direct(
                        "tag value object",
                        withParameters("{\"tagSet\":{\"items\":[{\"key\":\"k\",\"value\":{}}]}}"),
                        "detail.requestParameters.tagSet.items[0].value must be a string, got an object"),
                direct(
                        "resourcesSet missing",
                        withParameters("{\"tagSet\":{\"items\":[{\"key\":\"a\"}]}}"),
                        "detail.requestParameters.resourcesSet is missing"),
                direct(
                        "resource items string",
                        validTags("{\"items\":\"i-1\"}"),
                        "detail.requestParameters.resourcesSet.items must be an array, got a string"),
                direct(
                        "resource id null",
                        validTags("{\"items\":[{\"resourceId\":null}]}"),
                        "detail.requestParameters.resourcesSet.items[0].resourceId must be a string, got null"),
                direct("an S3 event", "{\"Records\":[{\"eventSource\":\"aws:s3\"}]}", "detail is missing"),
                direct("empty Records", "{\"Records\":[]}", "detail is missing"),
                // Sizes and depths past the parser's deliberate limits.
                direct(
                        "nested 100,000 deep",
                        () -> ("[".repeat(100_000) + "]".repeat(100_000)).getBytes(StandardCharsets.UTF_8),
                        "the payload is over a parsing limit (Document nesting depth (201) exceeds the maximum allowed (200"),
                direct(
                        "a 7 MiB string",
                        () -> ("{\"detail\":\"" + "x".repeat(7 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8),
                        "the payload is over a parsing limit (String value length"),
                direct(
                        "a 9 MiB event",
                        BadInputMatrixTest::nineMebibytes,
                        "the payload is over a parsing limit (Document length"),
                direct(
                        "a 1,001-digit number",
                        "{\"detail\":" + "9".repeat(1_001) + "}",
                        "the payload is over a parsing limit (Number value length"),
                // SQS records: each bad one fails alone, the good one beside it succeeds.
                record("record without a body", null, "the record has no body"),
                record("record with a number body", 7, "the record has no body"),
                record("record body not JSON", "{nope", "the body is not valid JSON (Unexpected character ('n'"),
                record(
                        "record body null",
                        "null",
                        "the body is not a valid CreateTags task: (root) must be a JSON object, got null"),
                record(
                        "record body of the wrong shape",
                        "{\"detail\":{\"eventName\":\"CreateTags\"}}",
                        "the body is not a valid CreateTags task: detail.requestParameters is missing"),
                record(
                        "record body nested too deep",
                        "[".repeat(300) + "]".repeat(300),
                        "the body is over a parsing limit (Document nesting depth (201)"),
                Arguments.of(
                        "record with a bad splitDepth",
                        (Supplier<byte[]>)
                                () -> batch(Events.example("create-tags-5.json"), Map.of("splitDepth", "deep")),
                        "{\"batchItemFailures\":[{\"itemIdentifier\":\"m-bad\"}]}",
                        "messageId=m-bad: failed, left on the queue for redelivery (receive count 1): "
                                + "messageAttributes.splitDepth is 'deep', expected a whole number of 0 or more"));
    }

    private static byte[] nineMebibytes() {
        byte[] padding = new byte[9 * 1024 * 1024];
        Arrays.fill(padding, (byte) ' ');
        byte[] start = "{\"detail\":{}".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(start, 0, padding, 0, start.length);
        padding[padding.length - 1] = '}';
        return padding;
    }

    @Test
    void aBatchOfTenWithOneBadRecordFailsOnlyThatRecord() throws Exception {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode records = event.putArray("Records");
        for (int i = 0; i < 10; i++) {
            ObjectNode record = records.addObject()
                    .put("messageId", "m-" + i)
                    .put("eventSource", "aws:sqs")
                    .put(
                            "body",
                            i == 6
                                    ? "{\"detail\":{\"eventName\":\"CreateTags\",\"requestParameters\":[]}}"
                                    // ten distinct events: the same event twice is one job, a duplicate
                                    : Events.example("create-tags-1.json")
                                            .replace(
                                                    "0d3c1f5e-7a2b-4e8f-9c61-1b2a3c4d5e01",
                                                    "0d3c1f5e-7a2b-4e8f-9c61-1b2a3c4d5e1" + i));
            record.putObject("attributes").put("ApproximateReceiveCount", "2");
        }
        try (CapturedOutput output = CapturedOutput.start()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();

            handler.handleRequest(
                    new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out, new TestContext("req-42"));

            assertThat(out.toString(StandardCharsets.UTF_8))
                    .isEqualTo("{\"batchItemFailures\":[{\"itemIdentifier\":\"m-6\"}]}");
            assertThat(output.text())
                    .contains(
                            "messageId=m-6: failed, left on the queue for redelivery (receive count 2): "
                                    + "the body is not a valid CreateTags task: detail.requestParameters must be an object, got an array");
            assertThat(output.text()
                            .lines()
                            .filter(line -> line.contains(": processed 1 tag"))
                            .count())
                    .isEqualTo(9);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachMalformedInputHasItsExactOutcomeAndOneLogLine(
            String name, Supplier<byte[]> payload, String response, String logged) throws Exception {
        try (CapturedOutput output = CapturedOutput.start()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();

            handler.handleRequest(new ByteArrayInputStream(payload.get()), out, new TestContext("req-42"));

            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(response);
            assertThat(output.text()).contains(logged);
        }
    }
}
