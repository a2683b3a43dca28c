package dev.loadsplitter.engine.internal.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadsplitter.engine.config.LedgerTolerance;
import dev.loadsplitter.engine.testing.CapturedOutput;
import dev.loadsplitter.engine.testing.SteppingClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** IDEMPOTENCY=memory: jobs of this container are counted, a job started elsewhere is processed uncounted. */
class ContainerLedgerTest {

    private final SteppingClock clock = new SteppingClock(Instant.parse("2026-12-03T12:00:00Z"));
    private final Ledger memory = new Ledger(
            new MemoryLedgerTable(clock),
            clock,
            LedgerSettings.of(Duration.ofDays(33), Duration.ofDays(5), LedgerTolerance.none()),
            pause -> {});
    private final ContainerLedger ledger = new ContainerLedger(memory);

    @Test
    void aJobStartedHereIsCountedHere() {
        ledger.startJob("job-1", "Order", 1);

        assertThat(ledger.claim("job-1", "0", "a", Duration.ofSeconds(30), false))
                .isInstanceOf(Claim.Claimed.class);
        ledger.record(
                "job-1",
                Optional.of(new Ledger.Finish("0", TaskState.DONE)),
                "a",
                List.of(new ItemOutcome.Done(0, Optional.empty())),
                Map.of(),
                Optional.empty());

        assertThat(memory.standing("job-1"))
                .get()
                .satisfies(standing -> assertThat(standing.accounted()).isEqualTo(1));
        assertThat(ledger.claim("job-1", "0", "b", Duration.ofSeconds(30), false))
                .isNotInstanceOf(Claim.Claimed.class);
    }

    @Test
    void aJobStartedElsewhereIsProcessedUncountedAndSaidSoOnce() throws Exception {
        try (CapturedOutput output = CapturedOutput.start()) {
            assertThat(ledger.standing("job-9")).isPresent();
            assertThat(ledger.claim("job-9", "3", "a", Duration.ofSeconds(30), false))
                    .isInstanceOf(Claim.Claimed.class);
            ledger.record(
                    "job-9",
                    Optional.of(new Ledger.Finish("3", TaskState.DONE)),
                    "a",
                    List.of(new ItemOutcome.Done(3, Optional.empty())),
                    Map.of(),
                    Optional.empty());

            assertThat(memory.standing("job-9")).isEmpty();
            assertThat(output.text().lines().filter(line -> line.contains("job=job-9: started in another container")))
                    .hasSize(1);
        }
    }
}
