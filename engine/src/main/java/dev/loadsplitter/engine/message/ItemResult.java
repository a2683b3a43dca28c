package dev.loadsplitter.engine.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * What became of one item of a job, by its index in the original event: one line of
 * {@code load-splitter jobs results} and of {@code run --results}, written and read here only.
 *
 * <pre>{@code
 * {"index":0,"result":4}
 * {"index":7,"error":{"type":"java.lang.IllegalArgumentException","message":"negative: -7"}}
 * {"index":9,"skipped":true}
 * }</pre>
 */
public sealed interface ItemResult {

    /**
     * The largest result an item may have, as UTF-8 JSON: 32 KiB. A larger one fails its item, naming
     * this limit. The results are written beside the items' marks, up to 98 to a DynamoDB
     * {@code TransactWriteItems}, whose items together may hold at most 4 MB; 98 × 32 KiB stays within
     * it, and one mark well within DynamoDB's 400 KB item.
     * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
     */
    int MAX_BYTES = 32 * 1024;

    /** The item's index in the original event, from 0. */
    long index();

    /** The item as one JSON object, as a line of JSON Lines carries it. */
    ObjectNode toJson();

    /**
     * The item's work completed.
     *
     * @param result what the work returned, as JSON; {@code null} JSON when it returned nothing
     */
    record Done(long index, JsonNode result) implements ItemResult {
        public Done {
            Objects.requireNonNull(result, "result (use NullNode for none)");
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode node = JsonNodeFactory.instance.objectNode().put("index", index);
            node.set("result", result);
            return node;
        }
    }

    /**
     * The item failed every attempt and was dead-lettered; a redrive can run it again.
     *
     * @param type the error's class name
     * @param message the error's message
     */
    record Failed(long index, String type, String message) implements ItemResult {
        public Failed {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(message, "message");
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode node = JsonNodeFactory.instance.objectNode().put("index", index);
            node.putObject("error").put("type", type).put("message", message);
            return node;
        }
    }

    /** The item never ran: its job was stopped (cancelled, or past its tolerance) or timed out first. */
    record Skipped(long index) implements ItemResult {
        @Override
        public ObjectNode toJson() {
            return JsonNodeFactory.instance.objectNode().put("index", index).put("skipped", true);
        }
    }

    /** Reads {@link #toJson()}'s form back. */
    public static ItemResult fromJson(JsonNode node) {
        if (!node.path("index").canConvertToLong()) {
            throw new IllegalArgumentException("an item result needs a numeric \"index\", got " + node);
        }
        long index = node.get("index").asLong();
        if (node.has("error")) {
            JsonNode error = node.get("error");
            return new Failed(
                    index, error.path("type").asText(), error.path("message").asText());
        }
        if (node.path("skipped").asBoolean(false)) {
            return new Skipped(index);
        }
        JsonNode result = node.get("result");
        return new Done(index, result == null ? NullNode.getInstance() : result);
    }
}
