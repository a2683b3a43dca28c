package dev.loadsplitter.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.internal.split.SplitPolicy;
import dev.loadsplitter.engine.internal.split.Splitter;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.engine.message.Lineage;
import dev.loadsplitter.engine.message.SubTask;
import dev.loadsplitter.engine.task.Reading;
import dev.loadsplitter.function.createtags.CreateTagsTask;
import dev.loadsplitter.function.createtags.CreateTagsTaskType;
import dev.loadsplitter.function.createtags.TagWork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The benchmark's inputs: the repository's one-tag CreateTags sample, widened to any number of
 * tags, and the one-tag sub-tasks the real splitter cuts from it.
 */
public final class Events {

    /** The repository root, seen from the bench module, where Maven runs the benchmark. */
    public static final Path ROOT = Path.of("..");

    public static final Path FUNCTION_JAR = ROOT.resolve("function/target/load-splitter-function.jar");
    private static final String SAMPLE_ID = "0d3c1f5e-7a2b-4e8f-9c61-1b2a3c4d5e01";
    /** The function's task type with no simulated work. */
    public static final CreateTagsTaskType TYPE = new CreateTagsTaskType(new TagWork(Duration.ZERO));

    private Events() {}

    /** The sample event with one tag, as a user would send it. */
    public static String oneTag() {
        try {
            return Files.readString(ROOT.resolve("examples/events/create-tags-1.json"));
        } catch (IOException e) {
            throw new UncheckedIOException("Run the benchmark from the bench module, next to ../examples/events", e);
        }
    }

    /** The sample event with {@code tags} tags ("tag-1" … ) and the EventBridge id {@code id}. */
    public static String createTags(int tags, String id) {
        StringBuilder items = new StringBuilder();
        for (int i = 1; i <= tags; i++) {
            items.append(i == 1 ? "" : ",")
                    .append("{\"key\":\"tag-")
                    .append(i)
                    .append("\",\"value\":\"v")
                    .append(i)
                    .append("\"}");
        }
        return oneTag().replace(SAMPLE_ID, id)
                .replaceFirst("\"tagSet\": \\{\\s*\"items\": \\[[^]]*]", "\"tagSet\": {\"items\": [" + items + "]");
    }

    /** The {@code tags}-tag sample event as a task the splitter accepts. */
    public static CreateTagsTask task(ObjectMapper json, int tags) throws IOException {
        return switch (TYPE.read(json.readTree(createTags(tags, "bench-" + tags)))) {
            case Reading.Accepted<CreateTagsTask> accepted -> accepted.task();
            case Reading<CreateTagsTask> other -> throw new IllegalStateException("sample not accepted: " + other);
        };
    }

    /** {@code count} one-tag sub-tasks in one flat split, as the function's splitter writes them. */
    public static List<SubTask> oneTagSubTasks(int count) throws IOException {
        ObjectMapper json = EventJson.create();
        SplitPolicy defaults = SplitPolicy.defaultPolicy();
        Splitter splitter = new Splitter(
                new SplitPolicy(
                        1,
                        defaults.maxMessageBytes(),
                        defaults.maxSplitDepth(),
                        Math.max(count, defaults.fanOutLimit())),
                json);
        return splitter.split(TYPE, task(json, count), Lineage.root("bench-job"));
    }
}
