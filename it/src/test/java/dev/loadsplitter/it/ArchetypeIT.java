package dev.loadsplitter.it;

import static dev.loadsplitter.it.UserProject.HANDLER;
import static dev.loadsplitter.it.UserProject.VERSION;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.testing.CapturedOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's path from nothing to a local run: {@code mvn archetype:generate} with our archetype,
 * {@code mvn package} of the generated project (its unit tests included, one through the test kit), and
 * {@code load-splitter run --function-jar … --handler …} with its sample event.
 */
class ArchetypeIT {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aGeneratedProjectBuildsIntoOneJarThatRunsThroughTheLocalRuntime(@TempDir Path work) throws Exception {
        Path repository = UserProject.installOurArtifacts(work.resolve("repository"));

        UserProject.maven(
                work,
                repository,
                "org.apache.maven.plugins:maven-archetype-plugin:" + System.getProperty("archetype.version")
                        + ":generate",
                "-DinteractiveMode=false",
                "-DarchetypeGroupId=dev.loadsplitter",
                "-DarchetypeArtifactId=load-splitter-archetype",
                "-DarchetypeVersion=" + VERSION,
                "-DgroupId=com.example",
                "-DartifactId=doc-stats",
                "-Dversion=1.0.0-SNAPSHOT",
                "-Dpackage=com.example.docstats");
        Path project = work.resolve("doc-stats");
        assertThat(project.resolve("src/main/java/com/example/docstats/DocumentTaskType.java"))
                .exists();
        assertThat(UserProject.read(project.resolve("pom.xml")))
                .contains("<load-splitter.version>" + VERSION + "</load-splitter.version>");
        String readme = UserProject.read(project.resolve("README.md"));
        assertThat(readme)
                .contains("--function-jar target/doc-stats.jar --handler " + HANDLER)
                .contains("function_jar_path")
                .contains("TestRun.of(new DocumentTaskType())")
                .doesNotContain("${");

        String build = UserProject.maven(project, repository, "package");
        assertThat(build).contains("Tests run: 4, Failures: 0, Errors: 0");
        Path jar = project.resolve("target/doc-stats.jar");
        assertThat(Files.size(jar)).as("the deployable jar's size").isBetween(5_000_000L, 25_000_000L);
        try (JarFile entries = new JarFile(jar.toFile())) {
            List<String> names =
                    entries.stream().map(java.util.jar.JarEntry::getName).toList();
            assertThat(names)
                    .contains(
                            "com/example/docstats/DocumentTaskType.class",
                            "dev/loadsplitter/lambda/LoadSplitterHandler.class",
                            "META-INF/services/org.slf4j.spi.SLF4JServiceProvider",
                            "META-INF/services/dev.loadsplitter.engine.task.TaskType");
            assertThat(names)
                    .as("only the native libraries Lambda and a developer's machine need")
                    .noneMatch(name -> name.startsWith("windows/") || name.contains("/musl/"));
        }

        UserProject.Result run;
        String functionLog;
        try (CapturedOutput output = CapturedOutput.start()) {
            run = UserProject.loadSplitter(
                    "run",
                    "--json",
                    "--function-jar",
                    jar.toString(),
                    "--handler",
                    HANDLER,
                    project.resolve("events/sample.json").toString());
            functionLog = output.text();
        }

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode summary = json.readTree(run.out());
        assertThat(summary.get("items").asInt()).isEqualTo(6);
        assertThat(summary.get("itemsProcessed").asInt()).isEqualTo(6);
        assertThat(summary.get("invocations").asInt()).isEqualTo(7);
        assertThat(summary.get("reconciled").asBoolean()).isTrue();
        assertThat(functionLog).contains("document doc-6: 5 words, sha256 ");
    }
}
