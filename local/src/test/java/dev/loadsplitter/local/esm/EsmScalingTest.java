package dev.loadsplitter.local.esm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loadsplitter.local.forecast.Assumptions;
import org.junit.jupiter.api.Test;

/** Lambda's documented ramps, as the local mapping follows them with AWS's scaling. */
class EsmScalingTest {

    private final Assumptions aws = Assumptions.defaults();

    @Test
    void standardModeStartsAtFiveAndAddsThreeHundredAMinute() {
        EsmScaling standard = EsmScaling.standard(aws);

        assertThat(standard.allowed(0, 1_000)).isEqualTo(5);
        assertThat(standard.allowed(1, 1_000)).isEqualTo(10);
        assertThat(standard.allowed(60, 1_000)).isEqualTo(305);
        assertThat(standard.allowed(600, 1_000))
                .as("capped by the mapping's maximum")
                .isEqualTo(1_000);
        assertThat(standard.allowed(600, 2_000))
                .as("and by standard mode's 1,250")
                .isEqualTo(1_250);
    }

    @Test
    void provisionedModeStartsAtItsMinimumPollersAndAddsAThousandAMinute() {
        EsmScaling provisioned = EsmScaling.provisioned(aws, 10, 50);

        assertThat(provisioned.allowed(0, 1_000)).isEqualTo(100);
        assertThat(provisioned.allowed(6, 1_000)).isEqualTo(200);
        assertThat(provisioned.allowed(60, 1_000))
                .as("capped by 50 pollers of 10")
                .isEqualTo(500);
        assertThatThrownBy(() -> EsmScaling.provisioned(aws, 1, 50)).hasMessageContaining("2 to 200");
    }

    @Test
    void theLocalDefaultOpensAtOnce() {
        assertThat(EsmScaling.immediate().allowed(0, 700)).isEqualTo(700);
    }
}
