package dev.loadsplitter.function;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The sample events under {@code examples/events}, which tests read as they are shipped. */
public final class Events {

    private static final Path EXAMPLES = Path.of("..", "examples", "events");
    private static final Path TEST_EVENTS = Path.of("src", "test", "resources", "events");

    private Events() {}

    /** An example event, such as {@code create-tags-5.json}. */
    public static String example(String name) {
        return read(EXAMPLES.resolve(name));
    }

    /** A test-only event under {@code src/test/resources/events}. */
    public static String testEvent(String name) {
        return read(TEST_EVENTS.resolve(name));
    }

    /** A CreateTags event in the examples' envelope with {@code tags} tags named {@code tag-1…}. */
    public static String createTags(String id, int tags) {
        StringBuilder items = new StringBuilder();
        for (int i = 1; i <= tags; i++) {
            items.append(i == 1 ? "" : ",")
                    .append("{\"key\":\"tag-")
                    .append(i)
                    .append("\",\"value\":\"v")
                    .append(i)
                    .append("\"}");
        }
        return example("create-tags-1.json")
                .replace("0d3c1f5e-7a2b-4e8f-9c61-1b2a3c4d5e01", id)
                .replaceFirst("\\{\\s*\"key\": \"Name\",\\s*\"value\": \"web-1\"\\s*}", items.toString());
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read test event " + path.toAbsolutePath(), e);
        }
    }
}
