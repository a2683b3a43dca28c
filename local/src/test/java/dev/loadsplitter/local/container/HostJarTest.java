package dev.loadsplitter.local.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime host jar's directory and file: private to the user, never reached through a link,
 * and checked byte for byte (by SHA-256) before each use.
 */
class HostJarTest {

    private static final byte[] JAR = "the runtime host jar".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path temp;

    private Path directory;
    private Optional<UserPrincipal> me;

    @BeforeEach
    void user() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
                "POSIX permissions and owners: what these checks are about");
        directory = temp.resolve("load-splitter-test");
        me = Optional.of(Files.getOwner(temp));
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aNewDirectoryIsCreatedPrivateAndTheJarWrittenIntoIt() throws IOException {
        Path jar = HostJar.install(directory, JAR, me);

        assertThat(jar.getParent()).isEqualTo(directory);
        assertThat(mode(directory)).isEqualTo("rwx------");
        assertThat(jar).isRegularFile().hasBinaryContent(JAR);
        assertThat(mode(jar)).isEqualTo("rw-------");
        assertThat(HostJar.install(directory, JAR, me)).as("reused when intact").isEqualTo(jar);
        try (var files = Files.list(directory)) {
            assertThat(files.toList()).as("no partial files left").containsExactly(jar);
        }
    }

    @Test
    void aTamperedJarOfTheSameSizeIsReplaced() throws IOException {
        Path jar = HostJar.install(directory, JAR, me);
        byte[] tampered = Arrays.copyOf(JAR, JAR.length);
        tampered[0] ^= 1;
        Files.write(jar, tampered);

        assertThat(HostJar.install(directory, JAR, me)).isEqualTo(jar);

        assertThat(jar).hasBinaryContent(JAR);
    }

    @Test
    void aLinkInThePlaceOfTheJarIsReplacedAndItsTargetLeftAlone() throws IOException {
        Path jar = HostJar.install(directory, JAR, me);
        Path elsewhere = Files.write(temp.resolve("elsewhere.jar"), JAR);
        Files.delete(jar);
        Files.createSymbolicLink(jar, elsewhere);

        assertThat(HostJar.install(directory, JAR, me)).isEqualTo(jar);

        assertThat(Files.isSymbolicLink(jar)).as("a file of its own now").isFalse();
        assertThat(jar).isRegularFile().hasBinaryContent(JAR);
        assertThat(elsewhere).as("the link's target, untouched").hasBinaryContent(JAR);
    }

    @Test
    void aLinkInThePlaceOfTheDirectoryIsRefusedSayingWhatToDo() throws IOException {
        Path elsewhere = Files.createDirectory(temp.resolve("elsewhere"));
        Files.createSymbolicLink(directory, elsewhere);

        assertThatThrownBy(() -> HostJar.install(directory, JAR, me))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(directory + " is a symbolic link, not a directory. The runtime host jar, which runs with "
                        + "your function's environment, is kept only in a directory of your own. Remove " + directory
                        + " if it is yours to remove, or run with -Djava.io.tmpdir=<a directory of your own> (in "
                        + "LOAD_SPLITTER_JAVA_OPTS for ./load-splitter).");
        try (var files = Files.list(elsewhere)) {
            assertThat(files.toList()).as("nothing written through the link").isEmpty();
        }
    }

    @Test
    void aFileInThePlaceOfTheDirectoryIsRefused() throws IOException {
        Files.write(directory, JAR);

        assertThatThrownBy(() -> HostJar.install(directory, JAR, me))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(directory + " is a file, not a directory.");
    }

    @Test
    void anotherUsersDirectoryIsRefused() throws IOException {
        Files.createDirectory(directory);
        UserPrincipal someoneElse = () -> "someone-else";

        assertThatThrownBy(() -> HostJar.install(directory, JAR, Optional.of(someoneElse)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(
                        directory + " belongs to " + me.orElseThrow().getName()
                                + ", not to you (someone-else): whoever owns it could change the jar your function runs.");
    }

    @Test
    void theUsersOwnDirectoryOpenToOthersIsMadePrivate() throws IOException {
        Files.createDirectory(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));

        HostJar.install(directory, JAR, me);

        assertThat(mode(directory)).isEqualTo("rwx------");
    }

    @Test
    void theJarThisModuleCarriesIsFoundAndChecked() {
        Path jar = HostJar.path();

        assertThat(jar).isRegularFile();
        assertThat(jar.getFileName().toString()).matches("runtime-host-[0-9a-f]{16}\\.jar");
        assertThat(Files.isSymbolicLink(jar.getParent())).isFalse();
    }
}
