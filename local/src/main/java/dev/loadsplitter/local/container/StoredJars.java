package dev.loadsplitter.local.container;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uncompressed copies of function jars, kept in a cache folder: the local runtime's counterpart of
 * Lambda unpacking a deployment package once per version into the function's task root
 * ({@code LAMBDA_TASK_ROOT}, https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html),
 * so a container's class loading reads class files instead of inflating them. Measured on the
 * 2-core machine (docs/performance.md, 2026-12-04): inflating took about 80 ms of the first
 * container's 330 ms init for our function's jar.
 *
 * <p>A copy holds the same entries, in the same order, with the same bytes, names, times and
 * CRCs, each {@code STORED}: a class defined from it is the class defined from the original (the
 * JVM's class-data sharing matches archived classes by their bytes). A copy is named by a digest of
 * the jar's real path, size and modification time, so a rebuilt jar gets a new one; it is written
 * under a temporary name and moved into place, so a reader never opens half a copy; writing one
 * removes the copies of the jar's earlier versions.
 */
final class StoredJars {

    private static final Logger log = LoggerFactory.getLogger(StoredJars.class);

    /**
     * The JVM's: in the user's private directory beside the runtime host jar ({@link
     * HostJar#privateDirectory}), since a container runs whatever code this folder holds.
     */
    static final StoredJars DEFAULT =
            new StoredJars(() -> HostJar.privateDirectory().resolve("jars"));

    /** How long an earlier version's copy is kept after its last write. */
    static final Duration KEEP = Duration.ofMinutes(10);

    private final Supplier<Path> folders;

    /** @param folders the folder of the copies, inside a private directory; asked on every use */
    StoredJars(Supplier<Path> folders) {
        this.folders = folders;
    }

    /**
     * The jar to load {@code jar}'s classes from: its stored copy when one is ready; otherwise
     * {@code jar} itself, while a daemon thread writes the copy for the next JVM (a run's classes
     * are already loading from the original by the time a copy could be done).
     */
    Path forLoading(Path jar) {
        Optional<Path> ready;
        try {
            ready = ready(jar);
        } catch (RuntimeException e) {
            log.debug("No uncompressed copy of {} ({}); classes load from the jar itself", jar, e.toString());
            return jar;
        }
        if (ready.isPresent()) {
            return ready.get();
        }
        Thread.ofPlatform().daemon().name("load-splitter-stored-jar").start(() -> {
            try {
                copy(jar);
            } catch (IOException | RuntimeException e) {
                log.debug("Could not write an uncompressed copy of {}; classes load from the jar itself", jar, e);
            }
        });
        return jar;
    }

    /** The stored copy of {@code jar}, if one was written for this version of it. */
    Optional<Path> ready(Path jar) {
        Path copy = copyOf(jar);
        return Files.isRegularFile(copy) ? Optional.of(copy) : Optional.empty();
    }

    /** Writes the stored copy of {@code jar} unless it exists, and returns it. */
    Path copy(Path jar) throws IOException {
        Path copy = copyOf(jar);
        Path folder = copy.getParent();
        if (Files.isRegularFile(copy)) {
            return copy;
        }
        Files.createDirectories(folder);
        Path partial = Files.createTempFile(folder, copy.getFileName().toString(), ".partial");
        try {
            try (ZipFile source = new ZipFile(jar.toFile());
                    OutputStream file = Files.newOutputStream(partial);
                    ZipOutputStream target = new ZipOutputStream(file)) {
                target.setMethod(ZipOutputStream.STORED);
                Enumeration<? extends ZipEntry> entries = source.entries();
                while (entries.hasMoreElements()) {
                    ZipEntry entry = entries.nextElement();
                    ZipEntry stored = new ZipEntry(entry.getName());
                    stored.setMethod(ZipEntry.STORED);
                    stored.setTime(entry.getTime());
                    stored.setSize(entry.getSize());
                    stored.setCompressedSize(entry.getSize());
                    stored.setCrc(entry.getCrc());
                    if (entry.getExtra() != null) {
                        stored.setExtra(entry.getExtra());
                    }
                    target.putNextEntry(stored);
                    try (InputStream in = source.getInputStream(entry)) {
                        in.transferTo(target);
                    }
                    target.closeEntry();
                }
            }
            Files.move(partial, copy, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            removeOlderCopies(copy);
            return copy;
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /**
     * Removes the copies of earlier versions of a jar of the same name, so a rebuild a minute does
     * not leave a copy a minute behind. Only copies untouched for {@link #KEEP} go: a JVM that
     * opened one keeps reading it after the removal (the file system keeps an open file), and one
     * about to open it has had that long to do so.
     */
    private static void removeOlderCopies(Path copy) {
        String name = copy.getFileName().toString();
        String stem = name.substring(0, name.lastIndexOf('-') + 1);
        long before = System.currentTimeMillis() - KEEP.toMillis();
        try (var files = Files.list(copy.getParent())) {
            for (Path other : files.toList()) {
                String otherName = other.getFileName().toString();
                if (!other.equals(copy)
                        && otherName.startsWith(stem)
                        && otherName.length() == name.length()
                        && otherName.endsWith(".jar")
                        && Files.getLastModifiedTime(other).toMillis() < before) {
                    Files.deleteIfExists(other);
                }
            }
        } catch (IOException e) {
            log.debug("Could not remove older copies beside {}", copy, e);
        }
    }

    private Path copyOf(Path jar) {
        Path folder = folders.get();
        try {
            Path real = jar.toRealPath();
            String version = real + "\n" + Files.size(real) + "\n"
                    + Files.getLastModifiedTime(real).toMillis();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(version.getBytes(StandardCharsets.UTF_8));
            String name = real.getFileName().toString().replaceFirst("\\.jar$", "");
            return folder.resolve(name + "-" + HexFormat.of().formatHex(digest, 0, 8) + ".jar");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read function jar " + jar.toAbsolutePath(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
