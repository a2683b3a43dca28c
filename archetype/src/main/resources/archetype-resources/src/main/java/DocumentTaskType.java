package ${package};

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadsplitter.engine.task.ItemNoun;
import dev.loadsplitter.engine.task.JsonArrayTaskType;
import dev.loadsplitter.engine.task.JsonKinds;
import dev.loadsplitter.engine.task.WorkContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Your task type: the event {@code {"documents": [{"id": "…", "text": "…"}, …]}}, one item per
 * document. Processing a document counts its words and takes the SHA-256 of its text, logs one
 * line, and returns the {@link Summary} as the document's result. Replace {@link #processItem} with
 * your own work (call an API, resize an image, re-index an S3 prefix), the array path in the
 * constructor with your event's, and {@link #validateItem} with what your items must hold.
 *
 * <p>The generic handler {@code dev.loadsplitter.lambda.LoadSplitterHandler} finds this class
 * through {@code META-INF/services/dev.loadsplitter.engine.task.TaskType}. A task of more than
 * {@code MAX_ITEMS_PER_TASK} documents is split into sub-tasks on SQS, each one the same event
 * with fewer documents, and the same function processes them in parallel. A document whose work
 * throws fails alone: it runs again on the next delivery, and after the last one it is
 * dead-lettered with its error, which the job's results show.
 */
public final class DocumentTaskType extends JsonArrayTaskType {

    private static final Logger log = LoggerFactory.getLogger(DocumentTaskType.class);

    public DocumentTaskType() {
        super("Documents", "documents");
    }

    @Override
    public Object processItem(JsonNode document, WorkContext context) {
        Summary summary = summarise(document.get("text").asText());
        log.info("{}: document {}: {} words, sha256 {}", context.describe(), document.get("id").asText(),
                summary.words(), summary.sha256());
        return summary;
    }

    /** A document needs a string {@code id} and {@code text}; the event is refused, naming it, otherwise. */
    @Override
    protected Optional<String> validateItem(JsonNode document) {
        for (String field : List.of("id", "text")) {
            JsonNode value = document.get(field);
            if (value == null || !value.isTextual()) {
                return Optional.of("needs a string \"" + field + "\", got " + JsonKinds.describe(value));
            }
        }
        return Optional.empty();
    }

    @Override
    public ItemNoun itemNoun() {
        return new ItemNoun("document", "documents");
    }

    /** What processing one document finds: its result, {@code {"words": 3, "sha256": "…"}}. */
    public record Summary(int words, String sha256) {
    }

    static Summary summarise(String text) {
        String trimmed = text.strip();
        int words = trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return new Summary(words, HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }
}
