package dev.loadsplitter.function;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadsplitter.sqs.EmbeddedSqs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The deployable jar, loaded the way Lambda loads it: on its own, with only the JDK beside it. It
 * must find its HTTP client through ServiceLoader, and split a 5-tag event onto a real queue.
 */
class ShadedJarIT {

    private static final Path JAR = Path.of("target", "load-splitter-function.jar");

    @Test
    void theShadedJarRunsOnItsOwnAndTalksToSqs() throws Exception {
        assertThat(JAR).as("built by 'package' before integration tests").exists();
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertThat(jar.getEntry("dev/loadsplitter/lambda/LoadSplitterHandler.class"))
                    .isNotNull();
            assertThat(jar.getEntry("META-INF/services/software.amazon.awssdk.http.SdkHttpService"))
                    .isNotNull();
            assertThat(jar.getEntry("software/amazon/awssdk/http/apache5/Apache5HttpClient.class"))
                    .isNull();
            assertThat(jar.getEntry("software/amazon/awssdk/http/nio/netty/NettyNioAsyncHttpClient.class"))
                    .isNull();
            assertThat(jar.getEntry("software/amazon/awssdk/http/urlconnection/UrlConnectionHttpClient.class"))
                    .isNull();
            assertThat(jar.getEntry("software/amazon/awssdk/http/crt/AwsCrtHttpClient.class"))
                    .isNotNull();
            // Lambda's two architectures, and a developer's Mac for the local runtime; nothing else.
            assertThat(jar.getEntry("linux/x86_64/glibc/libaws-crt-jni.so")).isNotNull();
            assertThat(jar.getEntry("linux/armv8/glibc/libaws-crt-jni.so")).isNotNull();
            assertThat(jar.getEntry("osx/armv8/cruntime/libaws-crt-jni.dylib")).isNotNull();
            assertThat(jar.getEntry("windows/x86_64/cruntime/aws-crt-jni.dll")).isNull();
            assertThat(jar.getEntry("linux/x86_64/musl/libaws-crt-jni.so")).isNull();
        }
        try (EmbeddedSqs sqs = EmbeddedSqs.start();
                URLClassLoader loader =
                        new URLClassLoader(new URL[] {JAR.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            EmbeddedSqs.QueuePair queues = sqs.createQueues("shaded", 3, Duration.ofSeconds(30));
            Map<String, String> environment = new HashMap<>(sqs.environment(queues.url()));
            environment.put("PROCESSING_DELAY", "0");

            Class<?> handlerClass =
                    loader.loadClass(FunctionSettings.HANDLER.substring(0, FunctionSettings.HANDLER.indexOf("::")));
            assertThat(handlerClass.getClassLoader()).isSameAs(loader);
            Class<?> contextClass = loader.loadClass("com.amazonaws.services.lambda.runtime.Context");
            assertThat(loader.loadClass("com.amazonaws.services.lambda.runtime.RequestStreamHandler"))
                    .isAssignableFrom(handlerClass);
            Object handler = handlerClass.getConstructor(Map.class).newInstance(environment);
            Method handleRequest = handlerClass.getMethod(
                    "handleRequest", java.io.InputStream.class, java.io.OutputStream.class, contextClass);
            ByteArrayOutputStream out = new ByteArrayOutputStream();

            handleRequest.invoke(
                    handler,
                    new ByteArrayInputStream(
                            Files.readAllBytes(Path.of("..", "examples", "events", "create-tags-5.json"))),
                    out,
                    null);

            assertThat(out.toString(StandardCharsets.UTF_8))
                    .isEqualTo("{\"statusCode\":202,\"count\":5,\"body\":\"split '5' tags into '5' queued messages\"}");
            assertThat(sqs.receiveAll(queues.url())).hasSize(5);
            ((AutoCloseable) handler).close();
        }
    }
}
