package dev.loadsplitter.cli;

import static dev.loadsplitter.cli.RunCommandIT.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs end to end: the job record the function keeps, its one completion event, and splits that
 * fit a 1 s function timeout, with and without faults.
 */
class JobsIT {

    private final ObjectMapper json = new ObjectMapper();

    /** A CreateTags event with {@code tags} tags and the EventBridge id {@code id}. */
    static Path event(Path dir, String id, int tags) throws Exception {
        StringBuilder items = new StringBuilder();
        for (int i = 1; i <= tags; i++) {
            items.append(i == 1 ? "" : ",").append("{\"key\":\"tag-").append(i).append("\",\"value\":\"v\"}");
        }
        return Files.writeString(
                dir.resolve(id + ".json"),
                Files.readString(Path.of("..", "examples", "events", "create-tags-1.json"))
                        .replace("0d3c1f5e-7a2b-4e8f-9c61-1b2a3c4d5e01", id)
                        .replaceFirst("\\{\\s*\"key\": \"Name\",\\s*\"value\": \"web-1\"\\s*}", items.toString()));
    }

    @Test
    void aThousandTagsUnderFaultsAndAOneSecondTimeoutCompleteWithOneEvent(@TempDir Path dir) throws Exception {
        RunCommandIT.Result result = cli(
                "run",
                "--delay",
                "0",
                "--json",
                "--function-timeout",
                "1s",
                "--fail-rate",
                "0.1",
                "--crash-rate",
                "0.05",
                "--timeout-rate",
                "0.05",
                "--sqs-fault-rate",
                "0.05",
                "--seed",
                "11",
                "--timeout",
                "4m",
                event(dir, "faulty-1000", 1_000).toString());

        JsonNode summary = json.readTree(result.out());
        assertThat(summary.get("jobId").asText()).isEqualTo("faulty-1000");
        assertThat(summary.get("jobCompletedEvents").asInt()).isEqualTo(1);
        assertThat(summary.get("items").asInt()).isEqualTo(1_000);
        assertThat(summary.get("itemsProcessed").asInt()
                        + summary.get("itemsDeadLettered").asInt())
                .isEqualTo(1_000);
        assertThat(summary.get("reconciled").asBoolean()).isTrue();
        // A fifth of invocations fail, so a sub-task fails all five receives about once in 3,000
        // (0.2^5): usually none of the 1,100 does, and when one does the job and exit code say so.
        boolean clean = summary.get("itemsDeadLettered").asInt() == 0;
        assertThat(result.exitCode()).as(result.err()).isEqualTo(clean ? ExitCodes.OK : ExitCodes.ITEMS_FAILED);
        assertThat(summary.get("jobStatus").asText()).isEqualTo(clean ? "COMPLETED" : "COMPLETED_WITH_FAILURES");
    }

    /**
     * Locally every instance shares this machine's cores, where on Lambda each has its own; 20 at
     * a time keeps CPU-bound 1 s invocations from timing out for want of a core (see
     * docs/performance.md).
     */
    @Test
    void tenThousandTagsSplitInLevelsWithinAOneSecondTimeout(@TempDir Path dir) throws Exception {
        RunCommandIT.Result result = cli(
                "run",
                "--delay",
                "0",
                "--json",
                "--function-timeout",
                "1s",
                "--concurrency",
                "20",
                "--timeout",
                "4m",
                event(dir, "fits-10000", 10_000).toString());

        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
        JsonNode summary = json.readTree(result.out());
        assertThat(summary.get("jobStatus").asText()).isEqualTo("COMPLETED");
        assertThat(summary.get("itemsProcessed").asInt()).isEqualTo(10_000);
        assertThat(summary.get("jobCompletedEvents").asInt()).isEqualTo(1);
    }

    @Test
    void itemsThatFailTheirOnlyReceiveAreCountedAsDeadLetteredAndTheJobClosesWithFailures(@TempDir Path dir)
            throws Exception {
        RunCommandIT.Result result = cli(
                "run",
                "--delay",
                "0",
                "--json",
                "--fail-rate",
                "0.3",
                "--max-receive-count",
                "1",
                "--visibility-timeout",
                "2s",
                "--seed",
                "5",
                event(dir, "two-hundred", 200).toString());

        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.ITEMS_FAILED);
        JsonNode summary = json.readTree(result.out());
        assertThat(summary.get("jobStatus").asText()).isEqualTo("COMPLETED_WITH_FAILURES");
        assertThat(summary.get("jobCompletedEvents").asInt()).isEqualTo(1);
        assertThat(summary.get("itemsProcessed").asInt()
                        + summary.get("itemsDeadLettered").asInt())
                .isEqualTo(200);
        assertThat(summary.get("itemsDeadLettered").asInt()).isPositive();
    }
}
