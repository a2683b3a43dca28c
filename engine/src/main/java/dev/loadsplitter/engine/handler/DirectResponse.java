package dev.loadsplitter.engine.handler;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadsplitter.engine.task.ItemNoun;

/**
 * The answer to a direct (non-SQS) invocation, in the sample's exact contract:
 * {@code {"statusCode":200,"count":1,"body":"handled 1 tag"}}.
 */
public record DirectResponse(int statusCode, int count, String body) {

    public static DirectResponse handled(ItemNoun noun, int items) {
        return new DirectResponse(200, items, "handled " + noun.count(items));
    }

    public static DirectResponse split(ItemNoun noun, int items, int messages) {
        return new DirectResponse(202, items,
                "split '" + items + "' " + noun.forCount(items) + " into '" + messages + "' queued messages");
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
}
