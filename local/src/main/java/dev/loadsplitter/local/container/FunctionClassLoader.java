package dev.loadsplitter.local.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loads a function's jar the way Lambda's Java runtime does: the function's own classes (its AWS
 * SDK, Jackson, logging) come from its jar alone, never from the runtime's class path, while the
 * Lambda runtime API ({@code com.amazonaws.services.lambda.runtime}) is the runtime's, so the
 * runtime can hand it a {@code Context} and call it as a {@code RequestStreamHandler}.
 *
 * <p>One loader per jar serves every runtime in a JVM ({@link #shared}): loading and compiling the
 * function's classes once, as a Lambda execution environment does for all its invocations. State
 * that belongs to a container (the handler instance and what it builds) is never shared.
 */
final class FunctionClassLoader extends URLClassLoader {

    private static final String RUNTIME_API = "com.amazonaws.services.lambda.runtime.";

    static {
        registerAsParallelCapable();
    }

    private static final ConcurrentHashMap<JarVersion, FunctionClassLoader> SHARED = new ConcurrentHashMap<>();

    private final ClassLoader runtime;

    /**
     * The loader for this version of {@code jar}: the same one for every caller until the jar
     * changes. It reads the jar's uncompressed copy when one is ready ({@link StoredJars}).
     */
    static FunctionClassLoader shared(Path jar, ClassLoader runtime) {
        JarVersion version = JarVersion.of(jar);
        return SHARED.computeIfAbsent(
                version,
                v -> new FunctionClassLoader(
                        jar.getFileName().toString(), StoredJars.DEFAULT.forLoading(jar), runtime));
    }

    private record JarVersion(Path path, long size, long modified) {
        static JarVersion of(Path jar) {
            try {
                Path real = jar.toRealPath();
                return new JarVersion(
                        real, Files.size(real), Files.getLastModifiedTime(real).toMillis());
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read function jar " + jar.toAbsolutePath(), e);
            }
        }
    }

    FunctionClassLoader(String functionName, Path jar, ClassLoader runtime) {
        super("function:" + functionName, new URL[] {toUrl(jar)}, ClassLoader.getPlatformClassLoader());
        this.runtime = runtime;
    }

    private static URL toUrl(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.startsWith(RUNTIME_API)) {
            return runtime.loadClass(name);
        }
        return super.loadClass(name, resolve);
    }
}
