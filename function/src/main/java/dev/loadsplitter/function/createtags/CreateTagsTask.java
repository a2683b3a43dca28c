package dev.loadsplitter.function.createtags;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadsplitter.engine.task.JsonItemList;
import java.util.List;
import java.util.Objects;

/**
 * A CloudTrail {@code CreateTags} event: its tags ({@code detail.requestParameters.tagSet.items})
 * are the items, and its resources ({@code resourcesSet.items}) stay on every sub-task.
 *
 * @param tags the event and its tag list
 * @param resourceIds the ids of the tagged resources, for log lines
 */
public record CreateTagsTask(JsonItemList tags, List<String> resourceIds) {

    public CreateTagsTask {
        Objects.requireNonNull(tags, "tags");
        resourceIds = List.copyOf(resourceIds);
    }

    public int tagCount() {
        return tags.size();
    }

    /** The key of tag {@code index}. */
    public String key(int index) {
        return tags.items().get(index).get("key").asText();
    }

    /** The value of tag {@code index}; an absent value reads as empty, as EC2 treats it. */
    public String value(int index) {
        JsonNode value = tags.items().get(index).get("value");
        return value == null || value.isNull() ? "" : value.asText();
    }
}
