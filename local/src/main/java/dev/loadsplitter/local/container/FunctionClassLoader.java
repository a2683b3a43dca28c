package dev.loadsplitter.local.container;

import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * Loads a function's jar the way Lambda's Java runtime does: the function's own classes (its AWS
 * SDK, Jackson, logging) come from its jar alone, never from the runtime's class path, while the
 * Lambda runtime API ({@code com.amazonaws.services.lambda.runtime}) is the runtime's, so the
 * runtime can hand it a {@code Context} and call it as a {@code RequestStreamHandler}.
 */
final class FunctionClassLoader extends URLClassLoader {

    private static final String RUNTIME_API = "com.amazonaws.services.lambda.runtime.";

    static {
        registerAsParallelCapable();
    }

    private final ClassLoader runtime;

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
