package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A 64-bit digest of a request's parameters, the same whatever order its objects' fields come in,
 * so a repeat with a ClientRequestToken can be told from a different request with the same token
 * without keeping the request itself.
 */
final class RequestDigest {

    private RequestDigest() {}

    /** The digest of {@code request} without the fields named in {@code ignored}. */
    static long of(JsonNode request, Set<String> ignored) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
        request.properties().forEach(fields::add);
        fields.sort(Map.Entry.comparingByKey());
        for (Map.Entry<String, JsonNode> field : fields) {
            if (!ignored.contains(field.getKey())) {
                update(sha, field.getKey());
                feed(sha, field.getValue());
            }
        }
        return ByteBuffer.wrap(sha.digest()).getLong();
    }

    private static void feed(MessageDigest sha, JsonNode node) {
        if (node.isObject()) {
            sha.update((byte) '{');
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
            node.properties().forEach(fields::add);
            fields.sort(Map.Entry.comparingByKey());
            for (Map.Entry<String, JsonNode> field : fields) {
                update(sha, field.getKey());
                feed(sha, field.getValue());
            }
            sha.update((byte) '}');
        } else if (node.isArray()) {
            sha.update((byte) '[');
            node.forEach(element -> feed(sha, element));
            sha.update((byte) ']');
        } else {
            sha.update((byte) node.getNodeType().ordinal());
            update(sha, node.asText());
        }
    }

    private static void update(MessageDigest sha, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        sha.update(bytes);
    }
}
