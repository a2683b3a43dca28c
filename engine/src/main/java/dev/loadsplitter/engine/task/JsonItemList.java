package dev.loadsplitter.engine.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * An event whose items are one JSON array somewhere inside it: the building block of most task types.
 *
 * <p>Slicing copies only the objects on the path from the root to the array and shares every
 * other node, so cutting a 10,000-item event into 10,000 sub-tasks costs no deep copies. The
 * nodes are therefore never mutated once read.
 *
 * @param root the whole event, unknown fields included
 * @param path the property names leading from the root to the item array
 * @param items the item array found at {@code path}
 */
public record JsonItemList(ObjectNode root, List<String> path, ArrayNode items) {

    public JsonItemList {
        Objects.requireNonNull(root, "root");
        path = List.copyOf(path);
        Objects.requireNonNull(items, "items");
        if (path.isEmpty()) {
            throw new IllegalArgumentException("The item path needs at least one property name");
        }
    }

    public int size() {
        return items.size();
    }

    /** A copy holding only items {@code [fromIndex, toIndex)}; everything else is shared. */
    public JsonItemList slice(int fromIndex, int toIndex) {
        Objects.checkFromToIndex(fromIndex, toIndex, items.size());
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ArrayNode sliced = nodes.arrayNode(toIndex - fromIndex);
        for (int i = fromIndex; i < toIndex; i++) {
            sliced.add(items.get(i));
        }
        ObjectNode newRoot = shallowCopy(root);
        ObjectNode parent = newRoot;
        for (int depth = 0; depth < path.size() - 1; depth++) {
            ObjectNode child = shallowCopy((ObjectNode) parent.get(path.get(depth)));
            parent.set(path.get(depth), child);
            parent = child;
        }
        parent.set(path.getLast(), sliced);
        return new JsonItemList(newRoot, path, sliced);
    }

    private static ObjectNode shallowCopy(ObjectNode node) {
        ObjectNode copy = JsonNodeFactory.instance.objectNode();
        for (var field : node.properties()) {
            copy.set(field.getKey(), field.getValue());
        }
        return copy;
    }

    /**
     * Finds the item array at {@code path} in {@code event}, or says which field is wrong.
     *
     * @return {@link Reading.Accepted} with the list, or {@link Reading.Invalid} naming the field
     */
    public static Reading<JsonItemList> locate(JsonNode event, List<String> path) {
        if (event == null || !event.isObject()) {
            return Reading.invalid("(root)", "must be a JSON object, got " + JsonKinds.describe(event));
        }
        JsonNode node = event;
        StringBuilder at = new StringBuilder();
        for (int depth = 0; depth < path.size(); depth++) {
            if (!at.isEmpty()) {
                at.append('.');
            }
            at.append(path.get(depth));
            JsonNode child = node.get(path.get(depth));
            boolean last = depth == path.size() - 1;
            if (child == null || child.isMissingNode()) {
                return Reading.invalid(at.toString(), "is missing");
            }
            if (last ? !child.isArray() : !child.isObject()) {
                return Reading.invalid(
                        at.toString(),
                        "must be " + (last ? "an array" : "an object") + ", got " + JsonKinds.describe(child));
            }
            node = child;
        }
        return Reading.accepted(new JsonItemList((ObjectNode) event, path, (ArrayNode) node));
    }
}
