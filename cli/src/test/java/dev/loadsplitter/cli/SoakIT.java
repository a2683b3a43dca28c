package dev.loadsplitter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reconciliation invariant under faults: 10,000 items, no delay, 10 % of invocations fail, 5 %
 * crash, 5 % time out, 5 % of the function's SQS requests fail, max receive count 5. Every item
 * ends processed or dead-lettered, and none is processed twice to completion, which the function's
 * own "done tag" log lines show.
 */
class SoakIT {

    private static final Pattern DONE = Pattern.compile("done tag key=\"(tag-\\d+)\"");

    @Test
    void everyItemIsProcessedOrDeadLetteredAndNoneTwice(@TempDir Path dir) throws Exception {
        Path event = dir.resolve("ten-thousand.json");
        StringBuilder tags = new StringBuilder();
        for (int i = 1; i <= 10_000; i++) {
            tags.append(i == 1 ? "" : ",").append("{\"key\":\"tag-").append(i).append("\",\"value\":\"v\"}");
        }
        Files.writeString(
                event,
                Files.readString(Path.of("..", "examples", "events", "create-tags-1.json"))
                        .replace("0d3c1f5e-7a2b-4e8f-9c61-1b2a3c4d5e01", "soak-10000")
                        .replaceFirst("\\{\\s*\"key\": \"Name\",\\s*\"value\": \"web-1\"\\s*}", tags.toString()));

        PrintStream original = System.out;
        ByteArrayOutputStream functionLog = new ByteArrayOutputStream();
        RunCommandIT.Result result;
        try (PrintStream capture = new PrintStream(functionLog, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            result = RunCommandIT.cli(
                    "run",
                    "--delay",
                    "0",
                    "--json",
                    "--fail-rate",
                    "0.1",
                    "--crash-rate",
                    "0.05",
                    "--timeout-rate",
                    "0.05",
                    "--sqs-fault-rate",
                    "0.05",
                    "--visibility-timeout",
                    "2s",
                    "--max-receive-count",
                    "5",
                    "--seed",
                    "7",
                    "--timeout",
                    "4m",
                    event.toString());
        } finally {
            System.setOut(original);
        }
        System.out.printf("soak: %s%n", result.out().strip());

        JsonNode summary = new ObjectMapper().readTree(result.out());
        assertThat(summary.get("drained").asBoolean()).as(result.err()).isTrue();
        assertThat(summary.get("items").asLong()).isEqualTo(10_000);
        assertThat(summary.get("itemsProcessed").asLong()
                        + summary.get("itemsDeadLettered").asLong())
                .isEqualTo(10_000);
        assertThat(summary.get("reconciled").asBoolean()).isTrue();
        // With a fifth of invocations failing, a sub-task fails all five receives about once in 3,000
        // (0.2^5), so a few of the 11,000 may be dead-lettered; the job and the exit code must say so.
        boolean clean = summary.get("itemsDeadLettered").asLong() == 0;
        assertThat(result.exitCode()).as(result.err()).isEqualTo(clean ? ExitCodes.OK : ExitCodes.ITEMS_FAILED);
        assertThat(summary.get("jobStatus").asText()).isEqualTo(clean ? "COMPLETED" : "COMPLETED_WITH_FAILURES");
        assertThat(summary.get("jobCompletedEvents").asInt())
                .as("one completion event under faults and duplicates")
                .isEqualTo(1);
        assertThat(summary.get("failed").asLong()).as("faults happened").isGreaterThan(1_000);
        assertThat(summary.get("duplicatesSuppressed").asLong())
                .as("crashes and timeouts made duplicates")
                .isPositive();

        Map<String, Integer> done = new HashMap<>();
        Matcher line = DONE.matcher(functionLog.toString(StandardCharsets.UTF_8));
        while (line.find()) {
            done.merge(line.group(1), 1, Integer::sum);
        }
        List<String> twice = done.entrySet().stream()
                .filter(e -> e.getValue() > 1)
                .map(Map.Entry::getKey)
                .toList();
        assertThat(twice).as("tags processed to completion more than once").isEmpty();
        assertThat(done.size()).isEqualTo(summary.get("itemsProcessed").asInt());
    }
}
