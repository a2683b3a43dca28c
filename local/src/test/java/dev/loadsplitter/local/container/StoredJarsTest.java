package dev.loadsplitter.local.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The uncompressed copy of a function jar: the same entries and bytes, each stored, one per version of the jar. */
class StoredJarsTest {

    @TempDir
    Path temp;

    @Test
    void copyHoldsTheSameEntriesInTheSameOrderWithTheSameBytesEachStored() throws IOException {
        Path jar = jar(temp.resolve("function.jar"), "one");
        StoredJars jars = new StoredJars(() -> temp.resolve("cache"));

        Path copy = jars.copy(jar);

        assertThat(copy).isNotEqualTo(jar).startsWith(temp.resolve("cache"));
        assertThat(entries(copy)).isEqualTo(entries(jar));
        try (ZipFile original = new ZipFile(jar.toFile());
                ZipFile stored = new ZipFile(copy.toFile())) {
            assertThat(stored.size()).isEqualTo(3);
            stored.stream()
                    .forEach(entry ->
                            assertThat(entry.getMethod()).as(entry.getName()).isEqualTo(ZipEntry.STORED));
            for (ZipEntry entry : original.stream().toList()) {
                ZipEntry twin = stored.getEntry(entry.getName());
                assertThat(twin.getCrc()).as(entry.getName()).isEqualTo(entry.getCrc());
                assertThat(read(stored, twin)).as(entry.getName()).isEqualTo(read(original, entry));
            }
        }
        try (JarFile stored = new JarFile(copy.toFile())) {
            assertThat(stored.getManifest().getMainAttributes().getValue("Implementation-Title"))
                    .isEqualTo("one");
        }
        try (var files = Files.list(temp.resolve("cache"))) {
            assertThat(files.toList()).as("no partial copy left behind").containsExactly(copy);
        }
    }

    @Test
    void loadingUsesTheOriginalUntilTheCopyIsReadyThenTheCopy() throws IOException {
        Path jar = jar(temp.resolve("function.jar"), "one");
        StoredJars jars = new StoredJars(() -> temp.resolve("cache"));
        assertThat(jars.ready(jar)).isEmpty();

        Path copy = jars.copy(jar);

        assertThat(jars.ready(jar)).contains(copy);
        assertThat(jars.forLoading(jar)).isEqualTo(copy);
    }

    @Test
    void aChangedJarGetsACopyOfItsOwn() throws IOException {
        Path jar = jar(temp.resolve("function.jar"), "one");
        StoredJars jars = new StoredJars(() -> temp.resolve("cache"));
        Path first = jars.copy(jar);

        jar(jar, "two, a rebuild");
        Files.setLastModifiedTime(
                jar, FileTime.fromMillis(Files.getLastModifiedTime(first).toMillis() + 60_000));

        assertThat(jars.ready(jar)).isEmpty();
        Path second = jars.copy(jar);
        assertThat(second).isNotEqualTo(first);
        try (JarFile stored = new JarFile(second.toFile())) {
            assertThat(stored.getManifest().getMainAttributes().getValue("Implementation-Title"))
                    .isEqualTo("two, a rebuild");
        }
    }

    @Test
    void aNewVersionsCopyRemovesTheEarlierOnesLeftAloneLongerThanKeepButNoOtherJars() throws IOException {
        Path cache = temp.resolve("cache");
        StoredJars jars = new StoredJars(() -> cache);
        Path other = jars.copy(jar(temp.resolve("other.jar"), "another function"));
        Path jar = jar(temp.resolve("function.jar"), "one");
        Path first = jars.copy(jar);
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - StoredJars.KEEP.toMillis() - 60_000);
        Files.setLastModifiedTime(first, old);
        Files.setLastModifiedTime(other, old);

        jar(jar, "two, a rebuild");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        Path second = jars.copy(jar);

        try (var files = Files.list(cache)) {
            assertThat(files.toList()).containsExactlyInAnyOrder(second, other);
        }
    }

    @Test
    void anEarlierCopyWrittenWithinKeepStays() throws IOException {
        Path cache = temp.resolve("cache");
        StoredJars jars = new StoredJars(() -> cache);
        Path jar = jar(temp.resolve("function.jar"), "one");
        Path first = jars.copy(jar);

        jar(jar, "two, a rebuild");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        Path second = jars.copy(jar);

        try (var files = Files.list(cache)) {
            assertThat(files.toList()).containsExactlyInAnyOrder(first, second);
        }
    }

    @Test
    void aFolderThatCannotBeMadeLeavesTheJarItself() throws IOException {
        Path jar = jar(temp.resolve("function.jar"), "one");
        StoredJars jars = new StoredJars(() -> {
            throw new IllegalStateException("not private");
        });

        assertThat(jars.forLoading(jar)).isEqualTo(jar);
    }

    private static Path jar(Path path, String title) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_TITLE, title);
        try (OutputStream file = Files.newOutputStream(path);
                JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new ZipEntry("dev/example/"));
            out.closeEntry();
            out.putNextEntry(new ZipEntry("dev/example/Work.class"));
            out.write(("class bytes of " + title + " ").repeat(200).getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return path;
    }

    private static List<String> entries(Path jar) throws IOException {
        List<String> names = new ArrayList<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            zip.stream().forEach(entry -> names.add(entry.getName()));
        }
        return names;
    }

    private static byte[] read(ZipFile zip, ZipEntry entry) throws IOException {
        try (InputStream in = zip.getInputStream(entry)) {
            return in.readAllBytes();
        }
    }
}
