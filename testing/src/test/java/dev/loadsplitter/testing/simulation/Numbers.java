package dev.loadsplitter.testing.simulation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadsplitter.engine.task.ItemNoun;
import dev.loadsplitter.engine.task.JsonItemList;
import dev.loadsplitter.engine.task.Reading;
import dev.loadsplitter.engine.task.TaskType;
import dev.loadsplitter.engine.task.WorkContext;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The torture test's task type: {@code {"numbers": [0, 1, …]}}, each item its own index in the
 * event, so the work knows which items it did. Poison items always fail.
 */
final class Numbers implements TaskType<JsonItemList> {

    private final Set<Long> poison;
    private final Map<Long, Integer> completed = new HashMap<>();

    Numbers(Set<Long> poison) {
        this.poison = Set.copyOf(poison);
    }

    static byte[] event(int items) {
        StringBuilder json = new StringBuilder("{\"numbers\":[");
        for (int i = 0; i < items; i++) {
            json.append(i == 0 ? "" : ",").append(i);
        }
        return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** How often each item's work completed. */
    Map<Long, Integer> completed() {
        return Map.copyOf(completed);
    }

    @Override
    public String name() {
        return "Numbers";
    }

    @Override
    public ItemNoun itemNoun() {
        return new ItemNoun("number", "numbers");
    }

    @Override
    public Reading<JsonItemList> read(JsonNode event) {
        return JsonItemList.locate(event, List.of("numbers"));
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
        for (JsonNode item : task.items()) {
            if (poison.contains(item.asLong())) {
                throw new IllegalArgumentException("number " + item.asLong() + " is poison");
            }
        }
        // The simulation runs one step at a time, so this map is never touched by two threads at once.
        synchronized (completed) {
            for (JsonNode item : task.items()) {
                completed.merge(item.asLong(), 1, Integer::sum);
            }
        }
    }
}
