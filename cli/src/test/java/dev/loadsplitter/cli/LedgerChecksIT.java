package dev.loadsplitter.cli;

import static dev.loadsplitter.cli.RunCommandIT.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19's "Done when" checks of {@code run}, in {@code verify}: one fault seed of the faults
 * inside the function, the same with one receive, and a job past its deadline. The checks
 * run on 2,000 tags; here 500, so that each stays within a minute on two shared cores (2,000 took
 * 75 s of run time alone there).
 */
class LedgerChecksIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The faults of the check, with the receive count given. */
    private static List<String> faultyRun(Path event, Path results, int maxReceiveCount) {
        return List.of(
                "run",
                "--json",
                "--delay",
                "0",
                "--crash-inside-rate",
                "0.1",
                "--lost-response-rate",
                "0.05",
                "--fail-rate",
                "0.05",
                "--timeout-rate",
                "0.05",
                "--dynamodb-conflict-rate",
                "0.05",
                "--max-receive-count",
                Integer.toString(maxReceiveCount),
                "--function-timeout",
                "2s",
                "--visibility-timeout",
                "4s",
                "--concurrency",
                "50",
                "--seed",
                "1",
                "--timeout",
                "4m",
                "--results",
                results.toString(),
                event.toString());
    }

    @Test
    void oneFaultSeedProcessesEveryItemAndTheCloseHasEventsWithItsCounts(@TempDir Path dir) throws Exception {
        Path results = dir.resolve("results.jsonl");
        RunCommandIT.Result result =
                cli(faultyRun(JobsIT.event(dir, "seed-1-500", 500), results, 10).toArray(String[]::new));

        System.out.printf("seed 1, 500 tags: %s%n", result.out().strip());
        JsonNode summary = JSON.readTree(result.out());
        JsonNode job = summary.path("job");
        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("COMPLETED");
        assertThat(job.path("items").asLong()).isEqualTo(500);
        assertThat(job.path("processed").asLong()).isEqualTo(500);
        assertThat(job.path("deadLettered").asLong()).isZero();
        assertThat(job.path("skipped").asLong()).isZero();
        assertThat(job.path("close").asInt()).as("nothing reopened it").isEqualTo(1);
        assertThat(job.path("completedEvents").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(job.path("eventsAgree").asBoolean())
                .as("every event of the close carries the record's status and counts")
                .isTrue();
        assertThat(summary.path("faultsInside").path("crashesInside").asLong())
                .as("the faults struck")
                .isPositive();
        assertThat(summary.path("faultsInside").path("lostAnswers").asLong()).isPositive();
        assertThat(ItemLines.read(results).counts()).isEqualTo(new ItemLines.Counts(500, 0, 0));
    }

    @Test
    void withOneReceiveEveryItemIsProcessedOrDeadLetteredExactlyAndTheRunIsFour(@TempDir Path dir) throws Exception {
        Path results = dir.resolve("results.jsonl");
        RunCommandIT.Result result = cli(
                faultyRun(JobsIT.event(dir, "seed-1-500-once", 500), results, 1).toArray(String[]::new));

        System.out.printf("seed 1, 500 tags, one receive: %s%n", result.out().strip());
        JsonNode job = JSON.readTree(result.out()).path("job");
        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.ITEMS_FAILED);
        assertThat(job.path("processed").asLong() + job.path("deadLettered").asLong())
                .as(job.toString())
                .isEqualTo(500);
        assertThat(job.path("deadLettered").asLong())
                .as("a fifth of the attempts fail, and none is tried again")
                .isPositive();
        assertThat(job.path("skipped").asLong()).isZero();
        assertThat(job.path("status").asText()).isEqualTo("COMPLETED_WITH_FAILURES");
        assertThat(job.path("eventsAgree").asBoolean()).isTrue();
        assertThat(job.path("completedEvents").asLong()).isGreaterThanOrEqualTo(1);
        ItemLines lines = ItemLines.read(results);
        assertThat(lines.counts())
                .as("one line per item, each as the record counts it")
                .isEqualTo(new ItemLines.Counts(
                        job.path("processed").asLong(), job.path("deadLettered").asLong(), 0));
    }

    @Test
    void aJobStillOpenAtItsDeadlineTimesOutWithItsOpenItemsSkippedAndOneEvent(@TempDir Path dir) throws Exception {
        // Each tag takes 30 s against a 2 s function timeout, so no item can finish; the sweep closes the job 3 s in.
        Path results = dir.resolve("results.jsonl");
        RunCommandIT.Result result = cli(
                "run",
                "--json",
                "--delay",
                "30s",
                "--function-timeout",
                "2s",
                "--visibility-timeout",
                "1s",
                "--max-receive-count",
                "100",
                "--job-deadline",
                "3s",
                "--timeout",
                "2m",
                "--results",
                results.toString(),
                JobsIT.event(dir, "deadline-5", 5).toString());

        JsonNode summary = JSON.readTree(result.out());
        JsonNode job = summary.path("job");
        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.ITEMS_FAILED);
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("TIMED_OUT");
        assertThat(job.path("reason").asText()).isEqualTo("TIMED_OUT");
        assertThat(job.path("skipped").asLong()).isEqualTo(5);
        assertThat(job.path("processed").asLong()).isZero();
        assertThat(job.path("completedEvents").asLong()).isEqualTo(1);
        assertThat(job.path("eventsAgree").asBoolean()).isTrue();
        assertThat(summary.path("jobCompletedEvents").asLong()).isEqualTo(1);
        assertThat(ItemLines.read(results).counts()).isEqualTo(new ItemLines.Counts(0, 0, 5));
        assertThat(result.err())
                .contains("was still open at its deadline (--job-deadline, JOB_DEADLINE) and timed out");
    }

    /**
     * {@code run --results}: one line per item, in item order, each a result, an error or a skip.
     *
     * @param lines the lines as JSON
     */
    record ItemLines(List<JsonNode> lines) {

        /** How many items were processed, dead-lettered and skipped, by the lines. */
        record Counts(long processed, long deadLettered, long skipped) {}

        static ItemLines read(Path file) throws java.io.IOException {
            List<JsonNode> lines = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                lines.add(JSON.readTree(line));
            }
            return new ItemLines(lines);
        }

        /** The counts, once every line is checked to be item {@code i}'s, 0 to n-1, and of exactly one kind. */
        Counts counts() {
            long processed = 0;
            long dead = 0;
            long skipped = 0;
            List<Long> indexes = new ArrayList<>();
            for (JsonNode line : lines) {
                indexes.add(line.path("index").asLong(-1));
                int kinds = (line.has("result") ? 1 : 0)
                        + (line.has("error") ? 1 : 0)
                        + (line.path("skipped").asBoolean() ? 1 : 0);
                assertThat(kinds).as("one kind of line: " + line).isEqualTo(1);
                processed += line.has("result") ? 1 : 0;
                dead += line.has("error") ? 1 : 0;
                skipped += line.path("skipped").asBoolean() ? 1 : 0;
            }
            List<Long> expected = new ArrayList<>();
            for (long i = 0; i < lines.size(); i++) {
                expected.add(i);
            }
            assertThat(indexes).as("one line per item, in order").isEqualTo(expected);
            return new Counts(processed, dead, skipped);
        }
    }
}
