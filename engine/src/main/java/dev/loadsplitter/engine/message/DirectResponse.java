package dev.loadsplitter.engine.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadsplitter.engine.task.ItemNoun;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The answer to a direct (non-SQS) invocation, in the sample's exact contract:
 * {@code {"statusCode":200,"count":1,"body":"handled 1 tag"}}. The function writes it here, and
 * the local runtime reads it back here, so the wording of {@code body} has one home.
 *
 * @param statusCode 200 processed, 202 split (count &gt; 0) or nothing done (count 0: ignored, a duplicate,
 *     a stopped job), 400 invalid
 * @param count the items of the task; 0 when ignored or invalid
 * @param body what was done, in words
 */
public record DirectResponse(int statusCode, int count, String body) {

    private static final String SPLIT_PREFIX = "split '";
    private static final String QUEUED_PREFIX = " into '";
    private static final String QUEUED_SUFFIX = "' queued messages";

    public DirectResponse {
        Objects.requireNonNull(body, "body");
    }

    public static DirectResponse handled(ItemNoun noun, int items) {
        return new DirectResponse(200, items, "handled " + noun.count(items));
    }

    public static DirectResponse split(ItemNoun noun, int items, int messages) {
        return new DirectResponse(
                202,
                items,
                SPLIT_PREFIX + items + "' " + noun.forCount(items) + QUEUED_PREFIX + messages + QUEUED_SUFFIX);
    }

    /** A repeat of an event whose job ran already, or is running now: nothing was done this time. */
    public static DirectResponse duplicate(String jobId) {
        return new DirectResponse(202, 0, "duplicate of job " + jobId + ", which ran already or is running");
    }

    /** The job was stopped before this event's work started: its items were skipped. */
    public static DirectResponse stopped(ItemNoun noun, int items) {
        return new DirectResponse(202, 0, "job stopped: " + noun.count(items) + " skipped");
    }

    public static DirectResponse ignored() {
        return new DirectResponse(202, 0, "event was ignored, not a type of interest");
    }

    public static DirectResponse invalid() {
        return new DirectResponse(400, 0, "invalid event argument");
    }

    /** The JSON object, fields in the contract's order. */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("statusCode", statusCode);
        node.put("count", count);
        node.put("body", body);
        return node;
    }

    /** Reads a function's answer; empty when it is not of this contract's shape. */
    public static Optional<DirectResponse> read(JsonNode answer) {
        if (answer == null
                || !answer.isObject()
                || !answer.path("statusCode").isInt()
                || !answer.path("count").isInt()
                || !answer.path("body").isTextual()) {
            return Optional.empty();
        }
        return Optional.of(new DirectResponse(
                answer.get("statusCode").asInt(),
                answer.get("count").asInt(),
                answer.get("body").asText()));
    }

    /** The task's items were processed in this invocation. */
    public boolean processed() {
        return statusCode == 200;
    }

    /** The task was split and its sub-tasks queued. */
    public boolean split() {
        return statusCode == 202 && count > 0;
    }

    /** How many messages a split queued, from the body {@link #split} wrote; empty for any other answer. */
    public OptionalInt queuedMessages() {
        if (!split() || !body.startsWith(SPLIT_PREFIX) || !body.endsWith(QUEUED_SUFFIX)) {
            return OptionalInt.empty();
        }
        int from = body.lastIndexOf(QUEUED_PREFIX);
        if (from < 0) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(
                    body.substring(from + QUEUED_PREFIX.length(), body.length() - QUEUED_SUFFIX.length())));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
