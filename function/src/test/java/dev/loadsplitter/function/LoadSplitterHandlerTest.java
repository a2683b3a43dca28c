package dev.loadsplitter.function;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadsplitter.engine.testing.CapturedOutput;
import dev.loadsplitter.lambda.LoadSplitterHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The direct-event contract of the sample, through the Lambda entry class, with no queue needed. */
class LoadSplitterHandlerTest {

    private final LoadSplitterHandler handler =
            new LoadSplitterHandler(OwnLedger.environment(Map.of("PROCESSING_DELAY", "0")));

    @AfterEach
    void close() throws Exception {
        handler.close();
    }

    static String invoke(LoadSplitterHandler handler, String payload) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(
                new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), out, new TestContext("req-42"));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void oneTagIsHandledDirectlyAndLogsStartAndDoneWithKeyResourcesAndJob() throws Exception {
        try (CapturedOutput output = CapturedOutput.start()) {
            assertThat(invoke(handler, Events.example("create-tags-1.json")))
                    .isEqualTo("{\"statusCode\":200,\"count\":1,\"body\":\"handled 1 tag\"}");
            assertThat(output.text())
                    .contains(
                            "job=0d3c1f5e-7a2b-4e8f-9c61-1b2a3c4d5e01, source=req-42: processing tag key=\"Name\" on [i-0abcd1234ef567890]")
                    .contains(
                            "job=0d3c1f5e-7a2b-4e8f-9c61-1b2a3c4d5e01, source=req-42: done tag key=\"Name\" on [i-0abcd1234ef567890] (item 0)")
                    .contains("requestId=req-42, job=0d3c1f5e-7a2b-4e8f-9c61-1b2a3c4d5e01: handled 1 tag");
        }
    }

    @Test
    void theFullEventWithItsIdentitiesIsNotLoggedAtInfo() throws Exception {
        try (CapturedOutput output = CapturedOutput.start()) {
            invoke(handler, Events.example("create-tags-1.json"));
            assertThat(output.text()).doesNotContain("203.0.113.24").doesNotContain("ASIAEXAMPLEKEYID1234");
        }
    }

    @Test
    void theExampleSqsBatchIsProcessedRecordByRecordWithNoFailures() throws Exception {
        try (CapturedOutput output = CapturedOutput.start()) {
            assertThat(invoke(handler, Events.example("sqs-batch.json"))).isEqualTo("{\"batchItemFailures\":[]}");
            assertThat(output.text())
                    .contains(
                            "messageId=9cdf850f-ce83-5a48-9697-9f8acfd7f08b, job=0d3c1f5e-7a2b-4e8f-9c61-1b2a3c4d5e05, "
                                    + "part=1: processed 1 tag")
                    .contains("part=2, source=")
                    .contains("done tag key=\"Environment\"");
        }
    }

    @Test
    void deleteTagsIsIgnored() throws Exception {
        assertThat(invoke(handler, Events.example("delete-tags.json")))
                .isEqualTo("{\"statusCode\":202,\"count\":0,\"body\":\"event was ignored, not a type of interest\"}");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "empty object       | {}                                                       | detail is missing",
                "no eventName       | {\"detail\":{}}                                          | detail.eventName is missing",
                "no tag list        | {\"detail\":{\"eventName\":\"CreateTags\",\"requestParameters\":{}}} | detail.requestParameters.tagSet is missing",
                "tag list not list  | {\"detail\":{\"eventName\":\"CreateTags\",\"requestParameters\":{\"tagSet\":{\"items\":\"a\"}}}} | detail.requestParameters.tagSet.items must be an array, got a string",
                "not JSON at all    | not json                                                 | the payload is not valid JSON",
                "empty payload      | ''                                                       | (root) must be a JSON object, got nothing",
                "duplicate keys     | {\"detail\":{},\"detail\":{}}                              | the payload is not valid JSON (Duplicate field 'detail')",
                "trailing garbage   | {\"detail\":{}} x                                        | the payload is not valid JSON",
            })
    void anEventThatCannotBeUnderstoodAnswers400AndLogsWhy(String name, String payload, String logged)
            throws Exception {
        try (CapturedOutput output = CapturedOutput.start()) {
            assertThat(invoke(handler, payload))
                    .isEqualTo("{\"statusCode\":400,\"count\":0,\"body\":\"invalid event argument\"}");
            assertThat(output.text()).contains("requestId=req-42: invalid event argument: " + logged);
        }
    }
}
