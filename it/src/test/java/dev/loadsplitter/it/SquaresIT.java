package dev.loadsplitter.it;

import static dev.loadsplitter.it.UserProject.HANDLER;
import static dev.loadsplitter.it.UserProject.VERSION;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.testing.CapturedOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The results issue's checks, on a user's own jar: {@code class Squares extends JsonArrayTaskType}
 * packaged with the archetype's pom, its results gathered with {@code run --results}, its failures
 * bounded by a tolerance, and only the failed items run again.
 */
class SquaresIT {

    private static final String SQUARES = """
            package com.example.squares;

            import com.fasterxml.jackson.databind.JsonNode;
            import dev.loadsplitter.engine.task.JsonArrayTaskType;
            import dev.loadsplitter.engine.task.WorkContext;
            import org.slf4j.Logger;
            import org.slf4j.LoggerFactory;

            public final class Squares extends JsonArrayTaskType {

                private static final Logger log = LoggerFactory.getLogger(Squares.class);

                public Squares() {
                    super("Squares", "numbers");
                }

                @Override
                public Object processItem(JsonNode item, WorkContext context) {
                    log.info("squaring {}", item.asLong());
                    if (item.asLong() < 0) {
                        throw new IllegalArgumentException("negative: " + item.asLong());
                    }
                    return item.asLong() * item.asLong();
                }
            }
            """;

    private static final Pattern SQUARING = Pattern.compile("squaring (-?\\d+)");

    @TempDir
    static Path work;

    private static Path jar;
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void buildTheUsersJar() throws Exception {
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
                "-DartifactId=squares",
                "-Dversion=1.0.0-SNAPSHOT",
                "-Dpackage=com.example.squares");
        Path project = work.resolve("squares");
        // The user's own task type in place of the generated one.
        try (Stream<Path> generated = Files.walk(project.resolve("src"))) {
            for (Path file :
                    generated.filter(path -> path.toString().endsWith(".java")).toList()) {
                Files.delete(file);
            }
        }
        Path source = project.resolve("src/main/java/com/example/squares/Squares.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, SQUARES);
        Files.writeString(
                project.resolve("src/main/resources/META-INF/services/dev.loadsplitter.engine.task.TaskType"),
                "com.example.squares.Squares\n");
        UserProject.maven(project, repository, "package");
        jar = project.resolve("target/squares.jar");
        assertThat(jar).exists();
    }

    private static Path numbers(String name, int count, int... negatives) throws Exception {
        List<Long> values = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            values.add(i);
        }
        for (int negative : negatives) {
            values.set(negative, (long) -negative);
        }
        Path event = work.resolve(name);
        Files.writeString(event, new ObjectMapper().writeValueAsString(Map.of("numbers", values)));
        return event;
    }

    /** The numbers at 5, 25, …, 185: ten of them. */
    private static int[] tenNegatives() {
        return IntStream.iterate(5, i -> i < 200, i -> i + 20).toArray();
    }

    private record Run(UserProject.Result result, String functionLog) {}

    private static Run run(String... args) {
        List<String> all =
                new ArrayList<>(List.of("run", "--json", "--function-jar", jar.toString(), "--handler", HANDLER));
        all.addAll(List.of(args));
        try (CapturedOutput output = CapturedOutput.start()) {
            UserProject.Result result = UserProject.loadSplitter(all.toArray(String[]::new));
            return new Run(result, output.text());
        }
    }

    @Test
    void fiftySquaresComeBackInOrderOneLineEach() throws Exception {
        Path results = work.resolve("out.jsonl");

        Run run = run("--results", results.toString(), numbers("fifty.json", 50).toString());

        assertThat(run.result().exitCode()).as(run.result().err()).isZero();
        List<String> lines = Files.readAllLines(results);
        assertThat(lines)
                .containsExactlyElementsOf(IntStream.range(0, 50)
                        .mapToObj(i -> "{\"index\":" + i + ",\"result\":" + (long) i * i + "}")
                        .toList());
    }

    @Test
    void noToleranceForFailuresStopsTheJobAndSkipsWhatItHadNotStarted() throws Exception {
        Run run = run(
                "--tolerated-failure-count",
                "0",
                "--max-receive-count",
                "1",
                "--concurrency",
                "2",
                // a failed record comes back to be dead-lettered after its visibility timeout: not six minutes
                "--function-timeout",
                "5s",
                "--visibility-timeout",
                "10s",
                numbers("tolerance.json", 200, tenNegatives()).toString());

        assertThat(run.result().exitCode()).as(run.result().err()).isEqualTo(4);
        JsonNode job = json.readTree(run.result().out()).get("job");
        assertThat(job.get("status").asText()).isEqualTo("FAILED");
        assertThat(job.get("reason").asText()).isEqualTo("TOLERANCE_EXCEEDED");
        assertThat(job.get("skipped").asLong()).isPositive();
        assertThat(job.get("processed").asLong()
                        + job.get("deadLettered").asLong()
                        + job.get("skipped").asLong())
                .isEqualTo(200);
        assertThat(job.get("completedEvents").asInt()).isEqualTo(1);
    }

    @Test
    void onlyTheFailedItemsRunAgainAndAreDeadLetteredWithTheirErrors() throws Exception {
        Path results = work.resolve("retried.jsonl");

        Run run = run(
                "--max-items-per-task",
                "10",
                "--max-receive-count",
                "3",
                "--visibility-timeout",
                "2s",
                "--results",
                results.toString(),
                numbers("retried.json", 200, tenNegatives()).toString());

        assertThat(run.result().exitCode()).as(run.result().err()).isEqualTo(4);
        JsonNode job = json.readTree(run.result().out()).get("job");
        assertThat(job.get("deadLettered").asLong()).isEqualTo(10);
        assertThat(job.get("processed").asLong()).isEqualTo(190);
        Map<Long, Long> runs = new java.util.TreeMap<>();
        Matcher matcher = SQUARING.matcher(run.functionLog());
        while (matcher.find()) {
            runs.merge(Long.parseLong(matcher.group(1)), 1L, Long::sum);
        }
        assertThat(runs).hasSize(200);
        Map<Long, Long> again = runs.entrySet().stream()
                .filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(again.keySet())
                .as("the items that ran more than once")
                .containsExactlyInAnyOrderElementsOf(
                        IntStream.of(tenNegatives()).mapToObj(i -> (long) -i).toList());
        assertThat(again.values())
                .as("each failed item ran on each of its 3 receives")
                .containsOnly(3L);
        assertThat(Files.readAllLines(results))
                .hasSize(200)
                .filteredOn(line -> line.contains("\"error\""))
                .hasSize(10)
                .allSatisfy(line -> assertThat(line).contains("IllegalArgumentException", "negative: -"));
    }
}
