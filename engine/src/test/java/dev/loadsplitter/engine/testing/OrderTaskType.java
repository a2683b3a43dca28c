package dev.loadsplitter.engine.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadsplitter.engine.task.ItemNoun;
import dev.loadsplitter.engine.task.JsonItemList;
import dev.loadsplitter.engine.task.Reading;
import dev.loadsplitter.engine.task.TaskType;
import dev.loadsplitter.engine.task.WorkContext;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A task type that is not CreateTags, to show the engine is generic: an order whose lines are
 * the items, {@code {"type":"order","order":{"id":…,"lines":[…]}}}. Processing records each line's
 * {@code sku} in a thread-safe queue, and a line with {@code "fail": true} throws.
 */
public class OrderTaskType implements TaskType<JsonItemList> {

    private static final List<String> LINES = List.of("order", "lines");

    private final Queue<String> processed = new ConcurrentLinkedQueue<>();

    @Override
    public String name() {
        return "Order";
    }

    @Override
    public ItemNoun itemNoun() {
        return new ItemNoun("line", "lines");
    }

    @Override
    public Reading<JsonItemList> read(JsonNode event) {
        if (event != null
                && event.isObject()
                && event.has("type")
                && !"order".equals(event.get("type").asText())) {
            return Reading.ignored("type is " + event.get("type"));
        }
        return JsonItemList.locate(event, LINES);
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
        for (JsonNode line : task.items()) {
            if (line.path("fail").asBoolean(false)) {
                throw new IllegalStateException("line " + line.path("sku").asText() + " cannot be fulfilled");
            }
            processed.add(line.path("sku").asText());
        }
    }

    /** The skus processed so far, in completion order. */
    public List<String> processed() {
        return List.copyOf(processed);
    }

    /** An order event with {@code lines} skus named {@code sku-1…}. */
    public static String orderJson(String id, int lines) {
        StringBuilder json = new StringBuilder("{\"type\":\"order\",\"note\":\"keep me\",\"order\":{\"id\":\"")
                .append(id)
                .append("\",\"currency\":\"EUR\",\"lines\":[");
        for (int i = 1; i <= lines; i++) {
            json.append(i == 1 ? "" : ",").append("{\"sku\":\"sku-").append(i).append("\",\"qty\":1.50}");
        }
        return json.append("]}}").toString();
    }
}
