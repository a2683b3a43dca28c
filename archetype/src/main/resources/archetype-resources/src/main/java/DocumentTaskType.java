package ${package};

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadsplitter.engine.task.ItemNoun;
import dev.loadsplitter.engine.task.JsonItemList;
import dev.loadsplitter.engine.task.JsonKinds;
import dev.loadsplitter.engine.task.Reading;
import dev.loadsplitter.engine.task.TaskType;
import dev.loadsplitter.engine.task.WorkContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Your task type: the event {@code {"documents": [{"id": "…", "text": "…"}, …]}}, one item per
 * document. Processing a document counts its words and takes the SHA-256 of its text, and logs
 * one line with the result. Replace {@link #process} with your own work (call an API, resize an
 * image, re-index an S3 prefix) and {@link #read} with your event's shape.
 *
 * <p>The generic handler {@code dev.loadsplitter.lambda.LoadSplitterHandler} finds this class
 * through {@code META-INF/services/dev.loadsplitter.engine.task.TaskType}. A task of more than
 * {@code MAX_ITEMS_PER_TASK} documents is split into sub-tasks on SQS, each one the same event
 * with fewer documents, and the same function processes them in parallel.
 */
public final class DocumentTaskType implements TaskType<JsonItemList> {

    private static final Logger log = LoggerFactory.getLogger(DocumentTaskType.class);
    private static final List<String> DOCUMENTS = List.of("documents");

    @Override
    public String name() {
        return "Documents";
    }

    @Override
    public ItemNoun itemNoun() {
        return new ItemNoun("document", "documents");
    }

    @Override
    public Reading<JsonItemList> read(JsonNode event) {
        Reading<JsonItemList> located = JsonItemList.locate(event, DOCUMENTS);
        if (!(located instanceof Reading.Accepted<JsonItemList>(JsonItemList documents))) {
            return located;
        }
        if (documents.size() == 0) {
            return Reading.invalid("documents", "is empty: send at least one document");
        }
        for (int i = 0; i < documents.size(); i++) {
            JsonNode document = documents.items().get(i);
            for (String field : List.of("id", "text")) {
                JsonNode value = document.get(field);
                if (value == null || !value.isTextual()) {
                    return Reading.invalid("documents[" + i + "]." + field,
                            value == null ? "is missing" : "must be a string, got " + JsonKinds.describe(value));
                }
            }
        }
        return located;
    }

    @Override
    public int itemCount(JsonItemList task) {
        return task.size();
    }

    @Override
    public JsonItemList subTask(JsonItemList task, int fromIndex, int toIndex) {
        return task.slice(fromIndex, toIndex);
    }

    @Override
    public JsonNode write(JsonItemList task) {
        return task.root();
    }

    @Override
    public void process(JsonItemList task, WorkContext context) {
        for (JsonNode document : task.items()) {
            Summary summary = summarise(document.get("text").asText());
            log.info("{}: document {}: {} words, sha256 {}", context.describe(), document.get("id").asText(),
                    summary.words(), summary.sha256());
        }
    }

    /** What processing one document finds. */
    record Summary(int words, String sha256) {
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
