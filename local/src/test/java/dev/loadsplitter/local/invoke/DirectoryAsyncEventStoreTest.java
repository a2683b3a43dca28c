package dev.loadsplitter.local.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Accepted asynchronous events on disk: what is saved reads back exactly, privately, and survives a reopen. */
class DirectoryAsyncEventStoreTest {

    @TempDir
    Path data;

    private static final byte[] PAYLOAD = {'{', '"', 'k', '"', ':', '"', (byte) 0xc3, (byte) 0xbc, '\n', '"', '}'};

    @Test
    void aSavedEventReadsBackExactlyAfterTheStoreIsOpenedAgain() {
        Path directory = data.resolve("async-invocations");
        AsyncEvent event = new AsyncEvent(
                "0b7e2c1e-7d3f-4c49-9a55-1d2f3e4a5b6c",
                PAYLOAD,
                Instant.parse("2026-12-03T12:00:00.123Z"),
                2,
                Instant.parse("2026-12-03T12:03:00Z"),
                "{\"errorMessage\":\"boom\"}");

        AsyncEventStore.directory(directory).save(event);
        AsyncEvent read = AsyncEventStore.directory(directory).pending().getFirst();

        assertThat(read.id()).isEqualTo(event.id());
        assertThat(read.payload()).isEqualTo(PAYLOAD);
        assertThat(read.acceptedAt()).isEqualTo(event.acceptedAt());
        assertThat(read.attempts()).isEqualTo(2);
        assertThat(read.notBefore()).isEqualTo(event.notBefore());
        assertThat(read.lastError()).isEqualTo(event.lastError());
    }

    @Test
    void aSaveReplacesTheEventAndARemoveForgetsIt() {
        AsyncEventStore store = AsyncEventStore.directory(data.resolve("async-invocations"));
        Instant at = Instant.parse("2026-12-03T12:00:00Z");
        AsyncEvent first = new AsyncEvent("e-1", PAYLOAD, at, 0, at, "");

        store.save(first);
        store.save(first.failed("{}", at.plusSeconds(60)));
        assertThat(store.pending())
                .singleElement()
                .extracting(AsyncEvent::attempts)
                .isEqualTo(1);
        store.remove("e-1");

        assertThat(store.pending()).isEmpty();
        assertThat(store.durable()).isTrue();
    }

    @Test
    void theDirectoryAndItsFilesAreTheUsersAlone() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path directory = data.resolve("async-invocations");
        Instant at = Instant.parse("2026-12-03T12:00:00Z");

        AsyncEventStore.directory(directory).save(new AsyncEvent("e-1", PAYLOAD, at, 0, at, ""));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("e-1.json"))))
                .isEqualTo("rw-------");
    }

    @Test
    void anUnreadableFileIsSetAsideAndTheRestResume() throws IOException {
        Path directory = data.resolve("async-invocations");
        AsyncEventStore store = AsyncEventStore.directory(directory);
        Instant at = Instant.parse("2026-12-03T12:00:00Z");
        store.save(new AsyncEvent("good", PAYLOAD, at, 0, at, ""));
        Files.writeString(directory.resolve("broken.json"), "{not json");

        assertThat(store.pending()).extracting(AsyncEvent::id).containsExactly("good");
        assertThat(directory.resolve("broken.json.unreadable")).exists();
        assertThat(directory.resolve("broken.json")).doesNotExist();
    }
}
