package dev.loadsplitter.local.container;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The class path of a function's JVM: the runtime host jar (Lambda's runtime interface client,
 * core API and serialization, and our host), carried inside this module as a resource and written
 * once per version to a file the JVM can load.
 *
 * <p>That file lives in {@code <java.io.tmpdir>/load-splitter-<user>/}, shared by every run of the
 * user, and whatever it holds runs with the function's environment (its credentials among them).
 * So the directory must be the user's own, a real directory and not a symbolic link, with mode
 * 0700 (it is created so, atomically, and tightened when the user's own is looser); and the jar is
 * read back without following links and checked against the SHA-256 of the one this module
 * carries before every use. A jar that differs, or a link in its place, is replaced; a directory
 * that is a link, not a directory, or another user's is refused with what to do.
 */
final class HostJar {

    private static final Logger log = LoggerFactory.getLogger(HostJar.class);

    /** Where the build puts the host jar (see the dependency plugin in this module's pom). */
    static final String RESOURCE = "/dev/loadsplitter/local/container/load-splitter-runtime-host.jar";

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private static byte[] carried;

    private HostJar() {}

    /** The host jar on disk, checked (and written when missing or changed) on every call. */
    static synchronized Path path() {
        if (carried == null) {
            carried = carried();
        }
        return install(
                Path.of(System.getProperty("java.io.tmpdir"), "load-splitter-" + System.getProperty("user.name")),
                carried,
                currentUser());
    }

    /**
     * The user's private directory of the local runtime (mode 0700, the user's own, never a link),
     * made or checked on every call: the home of the host jar, and of anything else a container
     * loads code from.
     *
     * @throws IllegalStateException naming the directory and what to do when it cannot be made private
     */
    static Path privateDirectory() {
        Path directory =
                Path.of(System.getProperty("java.io.tmpdir"), "load-splitter-" + System.getProperty("user.name"));
        try {
            privateDirectory(directory, currentUser());
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot make " + directory + " (" + e + "). Check that " + directory.getParent()
                            + " is writable, or run with -Djava.io.tmpdir=<a directory of your own>.",
                    e);
        }
    }

    private static byte[] carried() {
        try (InputStream in = HostJar.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("The runtime host jar " + RESOURCE + " is missing from the local "
                        + "runtime's class path; rebuild with './mvnw -B install -DskipTests'.");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the runtime host jar", e);
        }
    }

    /**
     * Makes {@code directory} the user's private directory, and returns the host jar {@code jar}
     * in it, written anew unless the file there is a regular file with the same SHA-256.
     *
     * @param owner who must own {@code directory}: the user running this JVM; empty where the file
     *     system has no POSIX owners and permissions
     * @throws IllegalStateException naming the directory and what to do when it cannot be made private
     */
    static Path install(Path directory, byte[] jar, Optional<UserPrincipal> owner) {
        String digest = sha256(jar);
        try {
            privateDirectory(directory, owner);
            Path file = directory.resolve("runtime-host-" + digest.substring(0, 16) + ".jar");
            Optional<String> problem = problem(file, digest);
            if (problem.isPresent()) {
                if (!problem.get().equals("missing")) {
                    log.warn(
                            "The runtime host jar {} {}; replacing it with the one this runtime carries.",
                            file,
                            problem.get());
                }
                replace(directory, file, jar);
                Optional<String> after = problem(file, digest);
                if (after.isPresent()) {
                    throw new IllegalStateException("The runtime host jar " + file + " " + after.get()
                            + " right after it was written; another process is changing " + directory
                            + ". Stop it, or run with -Djava.io.tmpdir=<a directory of your own>.");
                }
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot write the runtime host jar to " + directory + " (" + e + "). Check that "
                            + directory.getParent()
                            + " is writable, or run with -Djava.io.tmpdir=<a directory of your own>.",
                    e);
        }
    }

    /** Creates {@code directory} with mode 0700, or checks that the existing one is the user's own, and tightens it. */
    private static void privateDirectory(Path directory, Optional<UserPrincipal> owner) throws IOException {
        boolean posix = owner.isPresent()
                && FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        try {
            if (posix) {
                // Created with its mode in one step, so no other user ever sees it open.
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createDirectory(directory);
            }
        } catch (FileAlreadyExistsException e) {
            // Checked below, without following a link.
        }
        String fix = " The runtime host jar, which runs with your function's environment, is kept only in a directory "
                + "of your own. Remove " + directory + " if it is yours to remove, or run with "
                + "-Djava.io.tmpdir=<a directory of your own> (in LOAD_SPLITTER_JAVA_OPTS for ./load-splitter).";
        if (!posix) {
            BasicFileAttributes attributes =
                    Files.readAttributes(directory, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attributes.isSymbolicLink() || !attributes.isDirectory()) {
                throw new IllegalStateException(directory + " is " + kind(attributes) + ", not a directory." + fix);
            }
            return;
        }
        PosixFileAttributes attributes =
                Files.readAttributes(directory, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attributes.isSymbolicLink() || !attributes.isDirectory()) {
            throw new IllegalStateException(directory + " is " + kind(attributes) + ", not a directory." + fix);
        }
        if (!attributes.owner().equals(owner.get())) {
            throw new IllegalStateException(directory + " belongs to "
                    + attributes.owner().getName() + ", not to you ("
                    + owner.get().getName() + "): whoever owns it could change the jar your function runs." + fix);
        }
        if (!attributes.permissions().equals(OWNER_ONLY)) {
            // Ours, in a sticky temporary directory: no one else can put a link in its place between these calls.
            Set<PosixFilePermission> before = attributes.permissions();
            Files.setPosixFilePermissions(directory, OWNER_ONLY);
            log.info(
                    "Made {} private (it was {}, now rwx------): it holds the runtime host jar.",
                    directory,
                    PosixFilePermissions.toString(before));
        }
    }

    private static String kind(BasicFileAttributes attributes) {
        if (attributes.isSymbolicLink()) {
            return "a symbolic link";
        }
        return attributes.isRegularFile() ? "a file" : "something else";
    }

    /** What is wrong with {@code file} as the host jar of {@code digest}, read without following links; empty when nothing. */
    private static Optional<String> problem(Path file, String digest) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Optional.of("missing");
        }
        if (attributes.isSymbolicLink()) {
            return Optional.of("is a symbolic link");
        }
        if (!attributes.isRegularFile()) {
            return Optional.of("is not a regular file");
        }
        MessageDigest sha256 = newSha256();
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] buffer = new byte[64 * 1024];
            int read;
            while ((read = in.read(buffer)) != -1) {
                sha256.update(buffer, 0, read);
            }
        }
        String actual = HexFormat.of().formatHex(sha256.digest());
        return actual.equals(digest)
                ? Optional.empty()
                : Optional.of("does not match its SHA-256 (" + actual + ", expected " + digest + ")");
    }

    /** Writes the jar beside {@code file} and renames it over it: a link in its place is replaced, never followed. */
    private static void replace(Path directory, Path file, byte[] jar) throws IOException {
        Path partial = Files.createTempFile(directory, "runtime-host-", ".part");
        try {
            Files.write(partial, jar);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** The user running this JVM, as the file system names owners; empty without POSIX ownership. */
    private static Optional<UserPrincipal> currentUser() {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return Optional.empty();
        }
        try {
            return Optional.of(FileSystems.getDefault()
                    .getUserPrincipalLookupService()
                    .lookupPrincipalByName(System.getProperty("user.name")));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot look up the user " + System.getProperty("user.name")
                            + " to check who owns the runtime host jar's directory",
                    e);
        }
    }

    private static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(newSha256().digest(bytes));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256", e);
        }
    }
}
