package dev.loadsplitter.local.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadsplitter.engine.testing.SteppingClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Lambda's scaling rate: 1,000 new execution environments at once, then 1,000 per 10 seconds. */
class EnvironmentBudgetTest {

    @Test
    void aThousandAtOnceThenAHundredASecond() {
        SteppingClock clock = new SteppingClock(Instant.parse("2026-11-26T12:00:00Z"));
        EnvironmentBudget budget = EnvironmentBudget.per10Seconds(1_000, clock);

        int first = 0;
        while (budget.tryTake()) {
            first++;
        }
        clock.advance(Duration.ofSeconds(1));
        int second = 0;
        while (budget.tryTake()) {
            second++;
        }
        clock.advance(Duration.ofSeconds(60));
        int later = 0;
        while (budget.tryTake()) {
            later++;
        }

        assertThat(first).isEqualTo(1_000);
        assertThat(second).isEqualTo(100);
        assertThat(later).as("unused budget does not pile up beyond 1,000").isEqualTo(1_000);
    }

    @Test
    void theLocalDefaultHasNoLimit() {
        EnvironmentBudget budget = EnvironmentBudget.unlimited();
        for (int i = 0; i < 10_000; i++) {
            assertThat(budget.tryTake()).isTrue();
        }
    }
}
