package dev.loadsplitter.local.container;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The class path of a function's JVM: the runtime host jar (Lambda's runtime interface client,
 * core API and serialization, and our host), carried inside this module as a resource and written
 * once per version to a file the JVM can load.
 */
final class HostJar {

    /** Where the build puts the host jar (see the dependency plugin in this module's pom). */
    static final String RESOURCE = "/dev/loadsplitter/local/container/load-splitter-runtime-host.jar";

    private static Path extracted;

    private HostJar() {}

    /** The host jar on disk, written on first use. */
    static synchronized Path path() {
        if (extracted == null) {
            extracted = extract();
        }
        return extracted;
    }

    private static Path extract() {
        byte[] jar;
        try (InputStream in = HostJar.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("The runtime host jar " + RESOURCE + " is missing from the local "
                        + "runtime's class path; rebuild with './mvnw -B install -DskipTests'.");
            }
            jar = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the runtime host jar", e);
        }
        try {
            String version = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(jar))
                    .substring(0, 16);
            Path directory =
                    Path.of(System.getProperty("java.io.tmpdir"), "load-splitter-" + System.getProperty("user.name"));
            Files.createDirectories(directory);
            Path file = directory.resolve("runtime-host-" + version + ".jar");
            if (!Files.isRegularFile(file) || Files.size(file) != jar.length) {
                Path partial = Files.createTempFile(directory, "runtime-host-", ".part");
                Files.write(partial, jar);
                Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot write the runtime host jar under " + System.getProperty("java.io.tmpdir"), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
