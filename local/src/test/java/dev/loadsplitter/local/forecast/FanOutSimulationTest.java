package dev.loadsplitter.local.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The simulation against cases worked by hand from AWS's documented rules. */
class FanOutSimulationTest {

    /** No cold start, sends without delay: what is left is the scaling rules and the work. */
    private static final Assumptions IDEAL =
            Assumptions.defaults().with(Assumptions.COLD_START, 0).with(Assumptions.SEND_RATE, 1e9);

    private static ForecastSettings settings(long items, double seconds, int maximumConcurrency, int account) {
        return new ForecastSettings(
                items, seconds, 1024, "arm64", maximumConcurrency, 0, account, 1, 10, 1, 1_000, 2, 200, false);
    }

    @Test
    void theStandardMappingRampsFromFiveByThreeHundredAMinute() {
        // Capacity 5 + 5t invocations at time t: 1,000 tasks of 5 s need 5,000 invocation-seconds,
        // 5T + 2.5T^2 = 5000 gives T = 43.7 s, and the last task started then runs up to 5 s more.
        Prediction sqs = new FanOutSimulation(settings(1_000, 5, 1_000, 1_000), IDEAL).predict(Delivery.SQS);

        assertThat(sqs.wallSeconds()).isBetween(43.7, 49.0);
        assertThat(sqs.invocations()).isEqualTo(1_001);
        assertThat(sqs.peakConcurrency()).isBetween(200, 240);
    }

    @Test
    void directInvocationsGetAThousandEnvironmentsAtOnce() {
        // 10,000 tasks of 5 s, 1,000 at a time from the start: ten waves, 50 s. The root splits into 10
        // sub-tasks of 1,000 (the fan-out limit), each of which splits into 1,000: 1 + 10 + 10,000 invocations.
        Prediction invoke = new FanOutSimulation(settings(10_000, 5, 1_000, 1_000), IDEAL).predict(Delivery.INVOKE);

        assertThat(invoke.wallSeconds()).isCloseTo(50.2, within(0.5));
        assertThat(invoke.peakConcurrency()).isEqualTo(1_000);
        assertThat(invoke.invocations()).isEqualTo(10_011);
        assertThat(invoke.sqsRequests()).isZero();
    }

    @Test
    void beyondTheFirstThousandEnvironmentsComeAtAThousandPerTenSeconds() {
        // Scaling behavior page: 1,000 new environments per 10 s, refilled continuously. 3,000 tasks of 30 s with an
        // account limit of 5,000: 1,000 at once, the other 2,000 over the next 20 s; the last ends about 50 s in.
        Prediction invoke = new FanOutSimulation(settings(3_000, 30, 1_000, 5_000), IDEAL).predict(Delivery.INVOKE);

        assertThat(invoke.peakConcurrency()).isEqualTo(3_000);
        assertThat(invoke.wallSeconds()).isCloseTo(50, within(1.0));
    }

    @Test
    void provisionedPollersStartAtTheirMinimum() {
        // 100 pollers of 10 invocations: 1,000 at once, capped by the account; as the invoke path, 50 s.
        ForecastSettings provisioned =
                new ForecastSettings(10_000, 5, 1024, "arm64", 0, 0, 1_000, 1, 10, 1, 1_000, 100, 200, true);

        Prediction prediction = new FanOutSimulation(provisioned, IDEAL).predict(Delivery.SQS_PROVISIONED);

        assertThat(prediction.wallSeconds()).isCloseTo(50.2, within(0.5));
        assertThat(prediction.peakConcurrency()).isEqualTo(1_000);
    }

    @Test
    void theCostIsBilledDurationTimesMemoryAndTheRequests() {
        // 1,000 tasks of 1 s at 1 GB on arm64: 1,000 GB-s; 1,001 Lambda requests; SQS: 100 SendMessageBatch,
        // 1,000 receives of one message (a tenth of a call each: 100) and 1,000 deletes.
        Prediction sqs = new FanOutSimulation(settings(1_000, 1, 1_000, 1_000), IDEAL).predict(Delivery.SQS);

        assertThat(sqs.gbSeconds()).isCloseTo(1_000, within(0.2));
        assertThat(sqs.sqsRequests()).isEqualTo(1_200);
        assertThat(sqs.costUsd())
                .isCloseTo(1_000 * 0.0000133334 + 1_001 * 0.20 / 1e6 + 1_200 * 0.40 / 1e6, within(0.00001));
    }

    @Test
    void aColdStartIsPaidOncePerEnvironment() {
        Assumptions slowStart = IDEAL.with(Assumptions.COLD_START, 2);

        Prediction invoke = new FanOutSimulation(settings(100, 1, 1_000, 1_000), slowStart).predict(Delivery.INVOKE);

        assertThat(invoke.coldStarts()).isEqualTo(101);
        assertThat(invoke.gbSeconds()).isCloseTo(100 * 1 + 101 * 2, within(0.2));
    }

    @Test
    void impossibleSettingsAreRefusedNamingTheFix() {
        assertThatThrownBy(() -> settings(10, 1, 1_000, 500))
                .hasMessageContaining("--maximum-concurrency 1000 is above the account's concurrency of 500");
        assertThatThrownBy(
                        () -> new ForecastSettings(10, 1, 1024, "arm64", 100, 0, 1_000, 1, 10, 1, 1_000, 2, 20, true))
                .hasMessageContaining("cannot be set together");
        assertThatThrownBy(() -> Assumptions.defaults().with("price.lambda.gbSecond", 1))
                .hasMessageContaining("No assumption is called 'price.lambda.gbSecond'");
    }
}
