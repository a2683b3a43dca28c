package dev.loadsplitter.local.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepted asynchronous events as files, {@code <id>.json} each, in a directory of their own: a file
 * is written beside its name, synced, renamed over it and its directory synced, so an event whose
 * acceptance was answered is on disk, and a crash leaves either the old file or the new one.
 * Payloads may be anything the function is given, so files and directory are the user's alone.
 */
final class DirectoryAsyncEventStore implements AsyncEventStore {

    private static final Logger log = LoggerFactory.getLogger(DirectoryAsyncEventStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final boolean POSIX =
            FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path directory;

    private DirectoryAsyncEventStore(Path directory) {
        this.directory = directory;
    }

    static DirectoryAsyncEventStore open(Path directory) {
        try {
            if (POSIX) {
                try {
                    Files.createDirectories(directory.getParent() == null ? directory : directory.getParent());
                    Files.createDirectory(
                            directory,
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } catch (FileAlreadyExistsException e) {
                    // Kept from an earlier run.
                }
            } else {
                Files.createDirectories(directory);
            }
            if (!Files.isDirectory(directory)) {
                throw new IllegalStateException(directory + " is not a directory; the asynchronous invocations of "
                        + "--data-dir are kept there. Move it away, or choose another --data-dir.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot keep asynchronous invocations in " + directory + " (" + e
                            + "); check that the --data-dir is writable.",
                    e);
        }
        return new DirectoryAsyncEventStore(directory);
    }

    @Override
    public void save(AsyncEvent event) {
        Path file = file(event.id());
        Path partial = directory.resolve(event.id() + ".json.part");
        ObjectNode node = JSON.createObjectNode()
                .put("id", event.id())
                .put("acceptedAt", event.acceptedAt().toString())
                .put("attempts", event.attempts())
                .put("notBefore", event.notBefore().toString())
                .put("lastError", event.lastError())
                .put("payload", Base64.getEncoder().encodeToString(event.payload()));
        try {
            byte[] bytes = JSON.writeValueAsBytes(node);
            Files.deleteIfExists(partial);
            try (FileChannel channel = FileChannel.open(
                    partial, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), fileAttributes())) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot keep asynchronous invocation " + event.id() + " in " + directory + " (" + e + ")", e);
        }
    }

    private static FileAttribute<?>[] fileAttributes() {
        return POSIX
                ? new FileAttribute<?>[] {
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
                }
                : new FileAttribute<?>[0];
    }

    /** A rename is durable once its directory is synced; where a directory cannot be opened (Windows) the rename is all there is. */
    private void syncDirectory() {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Not supported here.
        }
    }

    @Override
    public void remove(String id) {
        try {
            Files.deleteIfExists(file(id));
        } catch (IOException e) {
            log.warn(
                    "Could not remove finished asynchronous invocation {} from {} ({}); it will run again after a "
                            + "restart. Delete {} by hand if it should not.",
                    id,
                    directory,
                    e.toString(),
                    file(id));
        }
    }

    @Override
    public List<AsyncEvent> pending() {
        List<AsyncEvent> events = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .sorted(Comparator.naturalOrder())
                    .toList()) {
                try {
                    events.add(read(file));
                } catch (IOException | RuntimeException e) {
                    Path aside = file.resolveSibling(file.getFileName() + ".unreadable");
                    Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
                    log.warn(
                            "Asynchronous invocation file {} cannot be read ({}); moved it to {} and went on without it.",
                            file,
                            e.toString(),
                            aside);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the asynchronous invocations kept in " + directory, e);
        }
        events.sort(Comparator.comparing(AsyncEvent::acceptedAt));
        return events;
    }

    private static AsyncEvent read(Path file) throws IOException {
        JsonNode node = JSON.readTree(Files.readAllBytes(file));
        return new AsyncEvent(
                node.path("id").asText(),
                Base64.getDecoder().decode(node.path("payload").asText()),
                Instant.parse(node.path("acceptedAt").asText()),
                node.path("attempts").asInt(),
                Instant.parse(node.path("notBefore").asText()),
                node.path("lastError").asText(""));
    }

    @Override
    public boolean durable() {
        return true;
    }

    private Path file(String id) {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not an asynchronous invocation id: " + id);
        }
        return directory.resolve(id + ".json");
    }
}
