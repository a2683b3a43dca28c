package dev.loadsplitter.engine.task;

import com.fasterxml.jackson.databind.JsonNode;

/** Names a JSON node's kind for error messages: "a string", "null", "an array". */
public final class JsonKinds {

    private JsonKinds() {}

    public static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING, BINARY -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case MISSING -> "nothing";
        };
    }
}
