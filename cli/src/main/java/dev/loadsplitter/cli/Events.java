package dev.loadsplitter.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.message.EventJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads an event file, with errors that name the file. */
final class Events {

    private static final ObjectMapper JSON = EventJson.create();

    private Events() {}

    /**
     * The event's bytes. Like Lambda's Invoke API, which refuses a payload that is not JSON
     * ({@code InvalidRequestContentException}), a file that is not JSON is refused here.
     */
    static byte[] read(Path file) {
        byte[] bytes = bytes(file);
        try {
            JSON.readTree(bytes);
        } catch (JacksonException e) {
            throw new UsageException(
                    "Event file " + file + " is not JSON (" + e.getOriginalMessage() + "); Lambda's "
                            + "Invoke API refuses such a payload. Fix the file, or start from examples/events/create-tags-5.json.");
        } catch (IOException e) {
            throw new UsageException("Cannot read event file " + file + ": " + e.getMessage());
        }
        return bytes;
    }

    private static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UsageException("Event file " + file + " does not exist. Try examples/events/create-tags-5.json.");
        } catch (IOException e) {
            throw new UsageException("Cannot read event file " + file + ": " + e.getMessage());
        }
    }
}
