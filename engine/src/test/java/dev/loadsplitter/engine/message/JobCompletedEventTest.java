package dev.loadsplitter.engine.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobCompletedEventTest {

    private static JobRecord closed(long items) {
        Instant at = Instant.parse("2026-12-03T12:00:00Z");
        return new JobRecord(
                "0d3c1f5e-7a2b-4e8f-9c61-1b2a3c4d5e01",
                "Squares",
                items,
                items - 30,
                10,
                20,
                items - 40,
                31,
                at,
                at,
                JobStatus.FAILED,
                Optional.of(CloseReason.TOLERANCE_EXCEEDED),
                1,
                Optional.of(at));
    }

    @Test
    void theDetailCarriesTheCountsOfResultsErrorsAndSkippedItemsAndHowToReadThem() {
        ObjectNode detail = JobCompletedEvent.detail(closed(200));

        assertThat(detail.get("results").asLong()).isEqualTo(160);
        assertThat(detail.get("errors").asLong()).isEqualTo(10);
        assertThat(detail.get("skipped").asLong()).isEqualTo(20);
        assertThat(detail.get("close").asInt()).isEqualTo(1);
        assertThat(detail.get("readResults").asText())
                .startsWith("load-splitter jobs results 0d3c1f5e-7a2b-4e8f-9c61-1b2a3c4d5e01");
        assertThat(JobRecord.fromJson(detail)).isEqualTo(closed(200));
    }

    @Test
    void theDetailsSizeDoesNotGrowWithTheJobFarBelowEventBridgesEntryLimit() {
        int small = JobCompletedEvent.detail(closed(200)).toString().getBytes(StandardCharsets.UTF_8).length;
        int large = JobCompletedEvent.detail(closed(1_000_000_000L)).toString().getBytes(StandardCharsets.UTF_8).length;

        assertThat(large - small).isLessThan(40);
        assertThat(large).isLessThan(2_048);
    }
}
