package dev.loadsplitter.function;

import static dev.loadsplitter.function.LoadSplitterHandlerTest.invoke;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.engine.testing.CapturedOutput;
import dev.loadsplitter.engine.testing.EsmDriver;
import dev.loadsplitter.lambda.LoadSplitterHandler;
import dev.loadsplitter.sqs.EmbeddedSqs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/** The Lambda entry class against a real SQS-protocol server, through the real AWS SDK. */
class LoadSplitterHandlerIT {

    private static final int MAX_RECEIVE_COUNT = 3;

    @AutoClose
    private static final EmbeddedSqs sqs = EmbeddedSqs.start();

    private static final AtomicInteger QUEUES = new AtomicInteger();

    private final ObjectMapper json = EventJson.create();
    private EmbeddedSqs.QueuePair queues;
    private LoadSplitterHandler handler;

    private LoadSplitterHandler newHandler(Map<String, String> extra) {
        queues = sqs.createQueues("handler-" + QUEUES.incrementAndGet(), MAX_RECEIVE_COUNT, Duration.ofSeconds(30));
        Map<String, String> environment = new HashMap<>(sqs.environment(queues.url()));
        environment.put("PROCESSING_DELAY", "0");
        environment.putAll(extra);
        handler = new LoadSplitterHandler(environment);
        return handler;
    }

    @AfterEach
    void close() throws Exception {
        if (handler != null) {
            handler.close();
        }
    }

    private EsmDriver esm() {
        return new EsmDriver(sqs.client(), json, queues.url(), queues.arn());
    }

    private UnaryOperator<byte[]> function(AtomicInteger invocations) {
        return payload -> {
            invocations.incrementAndGet();
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                handler.handleRequest(
                        new ByteArrayInputStream(payload), out, new TestContext("esm-" + invocations.get()));
                return out.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    private static JsonNode withoutTags(JsonNode event) {
        ObjectNode copy = event.deepCopy();
        ((ObjectNode) copy.get("detail").get("requestParameters").get("tagSet")).remove("items");
        return copy;
    }

    @Test
    void fiveTagsBecomeFiveMessagesOfOneTagWithEveryOtherFieldIntact() throws Exception {
        newHandler(Map.of());
        String event = Events.example("create-tags-5.json");

        String response = invoke(handler, event);

        assertThat(response)
                .isEqualTo("{\"statusCode\":202,\"count\":5,\"body\":\"split '5' tags into '5' queued messages\"}");
        List<Message> messages = sqs.receiveAll(queues.url());
        assertThat(messages).hasSize(5);
        JsonNode original = json.readTree(event);
        Set<JsonNode> tags = new HashSet<>();
        for (Message message : messages) {
            JsonNode body = json.readTree(message.body());
            JsonNode items =
                    body.get("detail").get("requestParameters").get("tagSet").get("items");
            assertThat(items).hasSize(1);
            tags.add(items.get(0));
            assertThat(withoutTags(body)).isEqualTo(withoutTags(original));
            assertThat(message.messageAttributes().get("jobId").stringValue())
                    .isEqualTo(original.get("id").asText());
            assertThat(message.messageAttributes().get("partCount").stringValue())
                    .isEqualTo("5");
        }
        Set<JsonNode> expected = new HashSet<>();
        original.get("detail")
                .get("requestParameters")
                .get("tagSet")
                .get("items")
                .forEach(expected::add);
        assertThat(tags).isEqualTo(expected);
    }

    @Test
    void aThousandTagsBecomeAThousandDistinctMessagesNoneLostNoneDuplicated() throws Exception {
        newHandler(Map.of());

        String response = invoke(handler, Events.createTags("thousand", 1_000));

        assertThat(response)
                .isEqualTo(
                        "{\"statusCode\":202,\"count\":1000,\"body\":\"split '1000' tags into '1000' queued messages\"}");
        List<Message> messages = sqs.receiveAll(queues.url());
        Set<String> keys = new HashSet<>();
        for (Message message : messages) {
            keys.add(json.readTree(message.body())
                    .get("detail")
                    .get("requestParameters")
                    .get("tagSet")
                    .get("items")
                    .get(0)
                    .get("key")
                    .asText());
        }
        assertThat(messages).hasSize(1_000);
        assertThat(keys).hasSize(1_000).contains("tag-1", "tag-500", "tag-1000");
    }

    @Test
    void maxItemsPerTaskGroupsTagsAndTheResponseCountsMessages() throws Exception {
        newHandler(Map.of("MAX_ITEMS_PER_TASK", "20"));

        String response = invoke(handler, Events.example("create-tags-50.json"));

        assertThat(response)
                .isEqualTo("{\"statusCode\":202,\"count\":50,\"body\":\"split '50' tags into '3' queued messages\"}");
        assertThat(sqs.receiveAll(queues.url()))
                .extracting(m -> m.messageAttributes().get("itemCount").stringValue())
                .containsExactlyInAnyOrder("20", "20", "10");
    }

    @Test
    void theWholeFanOutTakesNPlusOneInvocationsAndDrainsTheQueue() throws Exception {
        newHandler(Map.of());
        AtomicInteger invocations = new AtomicInteger(1);
        invoke(handler, Events.example("create-tags-5.json"));

        EsmDriver esm = esm();
        try (CapturedOutput output = CapturedOutput.start()) {
            while (esm.pollOnce(1, 30, function(invocations)) > 0) {
                // one record per invocation, as the sample deploys (batch size 1)
            }
            assertThat(output.text())
                    .contains("part=3: processed 1 tag")
                    .contains("processing tag key=\"Owner\" on [i-0abcd1234ef567890]");
        }
        assertThat(invocations.get()).isEqualTo(6);
        assertThat(sqs.receiveAll(queues.url())).isEmpty();
        assertThat(sqs.receiveAll(queues.dlqUrl())).isEmpty();
    }

    @Test
    void aBatchOfGoodAndBadRecordsReportsExactlyTheBadOnes() throws Exception {
        newHandler(Map.of());
        invoke(handler, Events.example("create-tags-5.json"));
        String notJson = sqs.client()
                .sendMessage(r -> r.queueUrl(queues.url()).messageBody("{not json"))
                .messageId();
        String wrongShape = sqs.client()
                .sendMessage(r -> r.queueUrl(queues.url()).messageBody("{\"detail\":{}}"))
                .messageId();
        List<Message> all = sqs.receiveAll(queues.url());
        assertThat(all).hasSize(7);

        ObjectNode event = esm().event(all);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(json.writeValueAsBytes(event)), out, new TestContext("batch"));

        JsonNode failures = json.readTree(out.toByteArray()).get("batchItemFailures");
        assertThat(failures)
                .extracting(f -> f.get("itemIdentifier").asText())
                .containsExactlyInAnyOrder(notJson, wrongShape);
    }

    @Test
    void aPoisonRecordEndsInTheDeadLetterQueueAfterTheMaxReceiveCountAndDoesNotBlockOthers() throws Exception {
        newHandler(Map.of());
        String poison = sqs.client()
                .sendMessage(r -> r.queueUrl(queues.url()).messageBody("{\"detail\":\"poison\"}"))
                .messageId();
        invoke(handler, Events.example("create-tags-5.json"));
        EsmDriver esm = esm();
        AtomicInteger invocations = new AtomicInteger();

        try (CapturedOutput output = CapturedOutput.start()) {
            // Visibility timeout 0: a failed record is visible again at once, like a retry after the timeout.
            for (int poll = 0; poll < 10 && esm.pollOnce(10, 0, function(invocations)) > 0; poll++) {
                // ElasticMQ moves a message to the DLQ lazily, on the receive after its last allowed one.
            }
            assertThat(output.text())
                    .contains(
                            "messageId=" + poison + ": failed, left on the queue for redelivery "
                                    + "(receive count 3): the body is not a valid CreateTags task: detail must be an object, got a string");
        }
        assertThat(sqs.receiveAll(queues.url())).isEmpty();
        List<Message> dead = sqs.receiveAll(queues.dlqUrl());
        assertThat(dead).extracting(Message::messageId).containsExactly(poison);
        assertThat(dead.getFirst().body()).isEqualTo("{\"detail\":\"poison\"}");
    }

    @Test
    void apostrophesQuotesAndUnicodeSurviveTheRoundTripExactly() throws Exception {
        newHandler(Map.of());
        String event = Events.testEvent("create-tags-special-characters.json");
        JsonNode original = json.readTree(event);

        invoke(handler, event);

        List<Message> messages = sqs.receiveAll(queues.url());
        Set<JsonNode> tags = new HashSet<>();
        for (Message message : messages) {
            JsonNode body = json.readTree(message.body());
            tags.add(body.get("detail")
                    .get("requestParameters")
                    .get("tagSet")
                    .get("items")
                    .get(0));
            assertThat(withoutTags(body)).isEqualTo(withoutTags(original));
            assertThat(message.body()).contains("2.50");
        }
        Set<JsonNode> expected = new HashSet<>();
        original.get("detail")
                .get("requestParameters")
                .get("tagSet")
                .get("items")
                .forEach(expected::add);
        assertThat(tags).hasSize(5).isEqualTo(expected);
        assertThat(tags)
                .anySatisfy(tag -> assertThat(tag.get("value").asText()).isEqualTo("O'Brien"))
                .anySatisfy(tag -> assertThat(tag.get("value").asText()).isEqualTo("naïve café 🚀 日本語"))
                .anySatisfy(tag -> assertThat(tag.get("value").asText()).isEmpty());
    }

    @Test
    void aQueueGivenByNameIsLookedUpAndUsed() throws Exception {
        newHandler(Map.of());
        String name = queues.url().substring(queues.url().lastIndexOf('/') + 1);
        Map<String, String> environment = new HashMap<>(sqs.environment(queues.url()));
        environment.remove("QUEUE_URL");
        environment.put("QUEUE_NAME", name);
        environment.put("PROCESSING_DELAY", "0");
        try (LoadSplitterHandler byName = new LoadSplitterHandler(environment)) {
            assertThat(invoke(byName, Events.example("create-tags-5.json"))).contains("\"statusCode\":202");
        }
        assertThat(sqs.receiveAll(queues.url())).hasSize(5);
    }
}
