package dev.loadsplitter.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadsplitter.cli.LoadSplitterCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a user has: a Maven with our artifacts installed, and the {@code load-splitter} command.
 *
 * <p>Our artifacts are "installed" into a local repository of this test's own, laid out as
 * {@code ./mvnw install} lays them out, in front of the build's repository (Maven 3.9's
 * {@code maven.repo.local.tail}), so a user's build resolves exactly what this build made and
 * everything else from what is already downloaded.
 */
final class UserProject {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final String VERSION = System.getProperty("project.version");
    static final String HANDLER = "dev.loadsplitter.lambda.LoadSplitterHandler::handleRequest";

    private UserProject() {}

    record Result(int exitCode, String out, String err) {}

    /** Runs the CLI in this JVM, as {@code ./load-splitter ARGS} runs it. */
    static Result loadSplitter(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = LoadSplitterCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** A local repository holding the parent, the engine, the test kit, the Lambda handler and the archetype of this build. */
    static Path installOurArtifacts(Path repository) throws IOException {
        install(repository, "load-splitter-parent", ROOT.resolve("pom.xml"), null);
        for (String module : List.of("engine", "testing", "lambda")) {
            String artifactId = "load-splitter-" + module;
            install(
                    repository,
                    artifactId,
                    ROOT.resolve(module).resolve("pom.xml"),
                    ROOT.resolve(module).resolve("target").resolve(artifactId + "-" + VERSION + ".jar"));
        }
        install(
                repository,
                "load-splitter-archetype",
                ROOT.resolve("archetype").resolve("pom.xml"),
                ROOT.resolve("archetype").resolve("target").resolve("load-splitter-archetype-" + VERSION + ".jar"));
        return repository;
    }

    private static void install(Path repository, String artifactId, Path pom, Path jar) throws IOException {
        Path directory =
                repository.resolve("dev/loadsplitter").resolve(artifactId).resolve(VERSION);
        Files.createDirectories(directory);
        Files.copy(pom, directory.resolve(artifactId + "-" + VERSION + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        if (jar != null) {
            assertThat(jar)
                    .as("built by this reactor before the user path tests")
                    .exists();
            Files.copy(
                    jar, directory.resolve(artifactId + "-" + VERSION + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Runs Maven (the project's wrapper) in {@code directory} with {@code repository} in front of the
     * build's own local repository, and returns its output; fails the test when Maven fails.
     */
    static String maven(Path directory, Path repository, String... goals) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                ROOT.resolve("mvnw").toString(),
                "-B",
                "-nsu",
                "-Dmaven.repo.local=" + repository,
                "-Dmaven.repo.local.tail=" + System.getProperty("maven.local.repository")));
        command.addAll(List.of(goals));
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        // The JDK this test runs on is a JDK 21+; Maven and the user's build use it too.
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("Maven finished").isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue())
                .as("mvn " + String.join(" ", goals) + " in " + directory + ":\n" + text)
                .isZero();
        return text;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
