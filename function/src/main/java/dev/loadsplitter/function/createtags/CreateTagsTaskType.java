package dev.loadsplitter.function.createtags;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadsplitter.engine.task.ItemNoun;
import dev.loadsplitter.engine.task.JsonItemList;
import dev.loadsplitter.engine.task.JsonKinds;
import dev.loadsplitter.engine.task.Reading;
import dev.loadsplitter.engine.task.TaskType;
import dev.loadsplitter.engine.task.WorkContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The sample's task type: an EC2 {@code CreateTags} API call recorded by CloudTrail and delivered
 * by EventBridge, or its bare {@code {"detail": …}} form. Each tag is one item; other CloudTrail
 * event names, such as {@code DeleteTags}, are ignored.
 *
 * @see <a href="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateTags.html">CreateTags</a>
 */
public final class CreateTagsTaskType implements TaskType<CreateTagsTask> {

    public static final String EVENT_NAME = "CreateTags";

    private static final List<String> TAGS = List.of("detail", "requestParameters", "tagSet", "items");
    private static final List<String> RESOURCES = List.of("detail", "requestParameters", "resourcesSet", "items");
    private static final ItemNoun NOUN = new ItemNoun("tag", "tags");

    private final TagWork work;

    public CreateTagsTaskType(TagWork work) {
        this.work = Objects.requireNonNull(work, "work");
    }

    /** Reads {@code PROCESSING_DELAY} from the function's environment. */
    public CreateTagsTaskType(Map<String, String> environment) {
        this(TagWork.fromEnvironment(environment));
    }

    /** As AWS Lambda builds it: from the process environment. */
    public CreateTagsTaskType() {
        this(System.getenv());
    }

    @Override
    public String name() {
        return EVENT_NAME;
    }

    @Override
    public ItemNoun itemNoun() {
        return NOUN;
    }

    @Override
    public Reading<CreateTagsTask> read(JsonNode event) {
        if (event == null || !event.isObject()) {
            return Reading.invalid("(root)", "must be a JSON object, got " + JsonKinds.describe(event));
        }
        JsonNode detail = event.get("detail");
        if (detail == null || !detail.isObject()) {
            return Reading.invalid(
                    "detail", detail == null ? "is missing" : "must be an object, got " + JsonKinds.describe(detail));
        }
        JsonNode eventName = detail.get("eventName");
        if (eventName == null || !eventName.isTextual()) {
            return Reading.invalid(
                    "detail.eventName",
                    eventName == null ? "is missing" : "must be a string, got " + JsonKinds.describe(eventName));
        }
        if (!EVENT_NAME.equals(eventName.asText())) {
            return Reading.ignored("detail.eventName is '" + eventName.asText() + "', not " + EVENT_NAME);
        }
        Reading<JsonItemList> tags = JsonItemList.locate(event, TAGS);
        if (!(tags instanceof Reading.Accepted<JsonItemList>(JsonItemList tagList))) {
            return relay(tags);
        }
        if (tagList.size() == 0) {
            return Reading.invalid(String.join(".", TAGS), "is empty: a CreateTags call sets at least one tag");
        }
        for (int i = 0; i < tagList.size(); i++) {
            JsonNode tag = tagList.items().get(i);
            String at = String.join(".", TAGS) + "[" + i + "]";
            if (!tag.isObject()) {
                return Reading.invalid(at, "must be an object with a key, got " + JsonKinds.describe(tag));
            }
            JsonNode key = tag.get("key");
            if (key == null || !key.isTextual()) {
                return Reading.invalid(
                        at + ".key", key == null ? "is missing" : "must be a string, got " + JsonKinds.describe(key));
            }
            JsonNode value = tag.get("value");
            if (value != null && !value.isTextual() && !value.isNull()) {
                return Reading.invalid(at + ".value", "must be a string, got " + JsonKinds.describe(value));
            }
        }
        Reading<JsonItemList> resources = JsonItemList.locate(event, RESOURCES);
        if (!(resources instanceof Reading.Accepted<JsonItemList>(JsonItemList resourceList))) {
            return relay(resources);
        }
        if (resourceList.size() == 0) {
            return Reading.invalid(
                    String.join(".", RESOURCES), "is empty: a CreateTags call tags at least one resource");
        }
        List<String> resourceIds = new ArrayList<>(resourceList.size());
        for (int i = 0; i < resourceList.size(); i++) {
            JsonNode id = resourceList.items().get(i).get("resourceId");
            if (id == null || !id.isTextual()) {
                return Reading.invalid(
                        String.join(".", RESOURCES) + "[" + i + "].resourceId",
                        id == null ? "is missing" : "must be a string, got " + JsonKinds.describe(id));
            }
            resourceIds.add(id.asText());
        }
        return Reading.accepted(new CreateTagsTask(tagList, resourceIds));
    }

    private static Reading<CreateTagsTask> relay(Reading<JsonItemList> failed) {
        return switch (failed) {
            case Reading.Invalid<JsonItemList> invalid -> Reading.invalid(invalid.field(), invalid.problem());
            case Reading.Ignored<JsonItemList> ignored -> Reading.ignored(ignored.reason());
            case Reading.Accepted<JsonItemList> accepted -> throw new IllegalArgumentException("not a failure");
        };
    }

    @Override
    public int itemCount(CreateTagsTask task) {
        return task.tagCount();
    }

    @Override
    public CreateTagsTask subTask(CreateTagsTask task, int fromIndex, int toIndex) {
        return new CreateTagsTask(task.tags().slice(fromIndex, toIndex), task.resourceIds());
    }

    @Override
    public JsonNode write(CreateTagsTask task) {
        return task.tags().root();
    }

    @Override
    public void process(CreateTagsTask task, WorkContext context) throws InterruptedException {
        for (int i = 0; i < task.tagCount(); i++) {
            work.process(task, i, context);
        }
    }
}
