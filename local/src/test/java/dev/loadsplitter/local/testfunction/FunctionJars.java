package dev.loadsplitter.local.testfunction;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/** Packs this package's compiled handlers into a jar, so the runtime loads them as it loads a real function. */
public final class FunctionJars {

    private FunctionJars() {}

    public static Path probeJar(Path directory) {
        try {
            Path classes = Path.of(FunctionJars.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            Path packageDir = classes.resolve("dev/loadsplitter/local/testfunction");
            Path jar = directory.resolve("probe-function.jar");
            try (OutputStream file = Files.newOutputStream(jar);
                    JarOutputStream out = new JarOutputStream(file);
                    Stream<Path> files = Files.list(packageDir)) {
                for (Path classFile :
                        files.filter(p -> p.toString().endsWith(".class")).toList()) {
                    out.putNextEntry(new JarEntry(
                            classes.relativize(classFile).toString().replace('\\', '/')));
                    out.write(Files.readAllBytes(classFile));
                    out.closeEntry();
                }
                // Where the AWS SDK keeps an invocation's trace header: a function jar with the SDK has it.
                String threadLocal = "software/amazon/awssdk/utilslite/SdkInternalThreadLocal.class";
                try (var bytes = FunctionJars.class.getClassLoader().getResourceAsStream(threadLocal)) {
                    out.putNextEntry(new JarEntry(threadLocal));
                    out.write(bytes.readAllBytes());
                    out.closeEntry();
                }
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
