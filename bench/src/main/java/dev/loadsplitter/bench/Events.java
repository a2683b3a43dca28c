package dev.loadsplitter.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The benchmark's inputs: the repository's one-tag CreateTags sample, widened to any number of tags. */
public final class Events {

    /** The repository root, seen from the bench module, where Maven runs the benchmark. */
    public static final Path ROOT = Path.of("..");
    public static final Path FUNCTION_JAR = ROOT.resolve("function/target/load-splitter-function.jar");
    private static final String SAMPLE_ID = "0d3c1f5e-7a2b-4e8f-9c61-1b2a3c4d5e01";

    private Events() {
    }

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
            items.append(i == 1 ? "" : ",").append("{\"key\":\"tag-").append(i).append("\",\"value\":\"v").append(i)
                    .append("\"}");
        }
        return oneTag().replace(SAMPLE_ID, id)
                .replaceFirst("\"tagSet\": \\{\\s*\"items\": \\[[^]]*]", "\"tagSet\": {\"items\": [" + items + "]");
    }
}
