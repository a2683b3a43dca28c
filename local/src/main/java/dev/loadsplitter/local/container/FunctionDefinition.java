package dev.loadsplitter.local.container;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A function as Lambda knows it.
 *
 * @param name the function name, such as {@code load-splitter}
 * @param handler {@code package.Class::method}, or {@code package.Class} for {@code handleRequest}
 * @param jar the deployment package: the very jar that is deployed
 * @param memoryMb the configured memory, reported through the context
 * @param timeout the function timeout: an invocation running longer is failed, as Lambda fails it
 * @param environment the function's environment variables
 * @param isolation where its containers run
 */
public record FunctionDefinition(
        String name,
        String handler,
        Path jar,
        int memoryMb,
        Duration timeout,
        Map<String, String> environment,
        Isolation isolation) {

    /** Lambda's function timeout ceiling: 15 minutes. */
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(15);

    public FunctionDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(jar, "jar");
        Objects.requireNonNull(timeout, "timeout");
        environment = Map.copyOf(environment);
        Objects.requireNonNull(isolation, "isolation");
        if (!handler.matches("[\\w.$]+(::\\w+)?")) {
            throw new IllegalArgumentException(
                    "handler must look like package.Class::handleRequest, got '" + handler + "'");
        }
        if (memoryMb < 128 || memoryMb > 10_240) {
            throw new IllegalArgumentException("memory must be from 128 to 10240 MB, as on Lambda, got " + memoryMb);
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException(
                    "function timeout must be more than 0 and at most 15 minutes, got " + timeout);
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException(
                    "Function jar " + jar.toAbsolutePath() + " does not exist. Build it with "
                            + "'./mvnw -B -pl function -am package -DskipTests', or point --function-jar at it.");
        }
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            zip.size();
        } catch (java.io.IOException e) {
            // Lambda refuses such a package at upload: "Could not unzip uploaded file".
            throw new IllegalArgumentException("Function jar " + jar.toAbsolutePath() + " is not a jar (zip) file ("
                    + e.getMessage() + "); Lambda would refuse it too. Point --function-jar at the jar your build "
                    + "packages, such as target/<artifact>.jar.");
        }
    }

    /** A function whose containers run where {@link Isolation#AUTO} puts them. */
    public FunctionDefinition(
            String name, String handler, Path jar, int memoryMb, Duration timeout, Map<String, String> environment) {
        this(name, handler, jar, memoryMb, timeout, environment, Isolation.AUTO);
    }

    /** The handler's method: what follows {@code ::}, or {@code handleRequest}. */
    public String handlerMethod() {
        int separator = handler.indexOf("::");
        return separator < 0 ? "handleRequest" : handler.substring(separator + 2);
    }

    /** The handler's class name, without {@code ::method}. */
    public String handlerClass() {
        int separator = handler.indexOf("::");
        return separator < 0 ? handler : handler.substring(0, separator);
    }
}
