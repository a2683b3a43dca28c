package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A 64-bit digest of a request's parameters, the same whatever order its objects' fields come in,
 * so a repeat with a ClientRequestToken can be told from a different request with the same token
 * without keeping the request itself. Not cryptographic: two different requests with one token
 * collide with a chance of about 2^-64.
 */
final class RequestDigest {

    private static final long PRIME = 0x100000001b3L;

    private RequestDigest() {}

    /** The digest of {@code request} without the fields named in {@code ignored}. */
    static long of(JsonNode request, Set<String> ignored) {
        long hash = 0xcbf29ce484222325L;
        for (Map.Entry<String, JsonNode> field : sorted(request)) {
            if (!ignored.contains(field.getKey())) {
                hash = feed(text(hash, field.getKey()), field.getValue());
            }
        }
        return mix(hash);
    }

    private static List<Map.Entry<String, JsonNode>> sorted(JsonNode object) {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(object.size());
        object.properties().forEach(fields::add);
        fields.sort(Map.Entry.comparingByKey());
        return fields;
    }

    private static long feed(long hash, JsonNode node) {
        if (node.isObject()) {
            hash = step(hash, '{');
            for (Map.Entry<String, JsonNode> field : sorted(node)) {
                hash = feed(text(hash, field.getKey()), field.getValue());
            }
            return step(hash, '}');
        }
        if (node.isArray()) {
            hash = step(hash, '[');
            for (JsonNode element : node) {
                hash = feed(hash, element);
            }
            return step(hash, ']');
        }
        return text(step(hash, node.getNodeType().ordinal()), node.asText());
    }

    /** FNV-1a over a text and its length, so "ab"+"c" and "a"+"bc" differ. */
    private static long text(long hash, String text) {
        for (int i = 0; i < text.length(); i++) {
            hash = step(hash, text.charAt(i));
        }
        return step(hash, 0x10000 + text.length());
    }

    private static long step(long hash, int value) {
        return (hash ^ value) * PRIME;
    }

    /** A final avalanche (from SplitMix64), so near requests spread over all 64 bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
