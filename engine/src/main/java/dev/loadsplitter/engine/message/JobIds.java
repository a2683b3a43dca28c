package dev.loadsplitter.engine.message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Derives a job id from the original event, deterministically, so a retried event splits into
 * sub-tasks with the same ids.
 *
 * <p>An EventBridge event carries a unique {@code id}; it is the job id. Any other event gets
 * {@code sha256-} and the first 128 bits of the SHA-256 of its compact JSON (keys in their order,
 * numbers as written), so the same event sent again with other whitespace, as a failed event's
 * redrive sends it, is the same job.
 */
public final class JobIds {

    private JobIds() {}

    public static String derive(JsonNode event) {
        if (event != null && event.isObject()) {
            JsonNode id = event.get("id");
            if (id != null && id.isTextual() && !id.asText().isBlank() && event.has("detail-type")) {
                return id.asText();
            }
        }
        try {
            return contentHash(EventJson.shared().writeValueAsBytes(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A parsed event can always be written back", e);
        }
    }

    /** {@code sha256-} and the first 128 bits of the SHA-256 of {@code bytes}, in hex. */
    public static String contentHash(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "sha256-" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }
}
