package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only file of JSON objects, one a line: the endpoint's durable log. {@link #append} hands
 * each line to the operating system in one write before it returns, so a process killed with
 * SIGKILL loses nothing it had acknowledged (a power loss may; that would need an fsync per change).
 * A line torn by a kill in the middle of a write is the last one, and reading drops it.
 */
final class JsonLinesFile implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JsonLinesFile.class);

    private final Path path;
    private final FileChannel channel;
    private final ObjectMapper json;
    private final ReentrantLock writes = new ReentrantLock();

    private JsonLinesFile(Path path, FileChannel channel, ObjectMapper json) {
        this.path = path;
        this.channel = channel;
        this.json = json;
    }

    /** Every object in {@code path}, in order; none when the file does not exist. */
    static List<JsonNode> read(Path path, ObjectMapper json) {
        List<JsonNode> lines = new ArrayList<>();
        if (!Files.exists(path)) {
            return lines;
        }
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            String torn = null;
            while ((line = reader.readLine()) != null) {
                number++;
                if (torn != null) {
                    throw new IllegalStateException(path + " line " + (number - 1) + " is not JSON, and is not the "
                            + "last line: the file is damaged. Move it away to start with empty tables.");
                }
                if (line.isBlank()) {
                    continue;
                }
                try {
                    lines.add(json.readTree(line));
                } catch (IOException e) {
                    torn = line;
                }
            }
            if (torn != null) {
                log.warn(
                        "{}: dropped its last line, torn by a crash in the middle of a write ({} bytes)",
                        path,
                        torn.length());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + path + ": " + e.getMessage(), e);
        }
        return lines;
    }

    /**
     * Replaces {@code path} with {@code lines}, atomically: written to a file beside it, forced to the
     * disk, then moved over it. The compaction at start-up.
     */
    static void rewrite(Path path, Iterable<JsonNode> lines, ObjectMapper json) {
        Path temporary = path.resolveSibling(path.getFileName() + ".compacting");
        try (FileChannel out = FileChannel.open(
                temporary, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            for (JsonNode line : lines) {
                writeFully(out, bytes(json, line));
            }
            out.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not compact " + path + ": " + e.getMessage(), e);
        }
        try {
            Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not move the compacted " + temporary + " to " + path, e);
        }
    }

    /** Opens {@code path} for appending, creating it when it does not exist. */
    static JsonLinesFile append(Path path, ObjectMapper json) {
        try {
            return new JsonLinesFile(
                    path,
                    FileChannel.open(
                            path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
                    json);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not open " + path + " for writing: " + e.getMessage(), e);
        }
    }

    /** Appends one object as a line, handed to the operating system before this returns. */
    void append(JsonNode line) {
        ByteBuffer bytes = bytes(json, line);
        writes.lock();
        try {
            writeFully(channel, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write to " + path + ": " + e.getMessage(), e);
        } finally {
            writes.unlock();
        }
    }

    private static ByteBuffer bytes(ObjectMapper json, JsonNode line) {
        try {
            byte[] text = json.writeValueAsBytes(line);
            ByteBuffer buffer = ByteBuffer.allocate(text.length + 1);
            buffer.put(text).put((byte) '\n').flip();
            return buffer;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write a log line as JSON", e);
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("Could not close {}: {}", path, e.toString());
        }
    }
}
