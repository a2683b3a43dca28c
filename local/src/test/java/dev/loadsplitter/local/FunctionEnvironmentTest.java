package dev.loadsplitter.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.loadsplitter.local.container.Isolation;
import dev.loadsplitter.local.esm.EsmSettings;
import dev.loadsplitter.local.fault.FaultPlan;
import dev.loadsplitter.local.invoke.AsyncSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The function's environment for given settings and what was started for it. */
class FunctionEnvironmentTest {

    private static final Map<String, String> SQS = Map.of(
            "QUEUE_URL", "http://127.0.0.1:9324/000000000000/probe-queue",
            "AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9324",
            "AWS_REGION", "eu-west-1",
            "AWS_ACCESS_KEY_ID", "x",
            "AWS_SECRET_ACCESS_KEY", "y");
    private static final URI AWS = URI.create("http://127.0.0.1:8000");
    private static final URI LAMBDA = URI.create("http://127.0.0.1:9001");
    private static final URI PROXY = URI.create("http://127.0.0.1:7000");
    private static final String DLQ_ARN = "arn:aws:sqs:eu-west-1:000000000000:probe-dlq";
    private static final String PARKED_URL = "http://127.0.0.1:9324/000000000000/probe-parked";
    private static final String FAILED_EVENTS_ARN = "arn:aws:sqs:eu-west-1:000000000000:probe-failed-events";

    private static LocalSettings settings(Map<String, String> environment) {
        return new LocalSettings(
                Path.of("probe.jar"),
                "probe",
                LocalSettings.HANDLER,
                512,
                Duration.ofSeconds(10),
                20,
                environment,
                Duration.ofSeconds(60),
                4,
                new EsmSettings(1, Duration.ZERO, 10, true, false),
                "127.0.0.1",
                0,
                0,
                AsyncSettings.lambdaDefaults(Duration.ofMillis(10), AsyncSettings.DEFAULT_MAX_EVENT_AGE),
                FaultPlan.none(),
                0,
                Optional.empty(),
                Isolation.NONE);
    }

    private static FunctionEnvironment.Addresses addresses(Optional<URI> lambda, Optional<URI> sqsProxy) {
        return new FunctionEnvironment.Addresses(SQS, AWS, lambda, sqsProxy, DLQ_ARN, PARKED_URL, FAILED_EVENTS_ARN);
    }

    @Test
    void pointsTheFunctionAtItsQueuesAndEndpointsWithTheDeploymentsDefaults() {
        Map<String, String> environment = FunctionEnvironment.compose(
                settings(Map.of("SLICE_SIZE", "5")), addresses(Optional.empty(), Optional.empty()));

        assertThat(environment)
                .containsOnly(
                        entry("SLICE_SIZE", "5"),
                        entry("QUEUE_URL", "http://127.0.0.1:9324/000000000000/probe-queue"),
                        entry("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9324"),
                        entry("AWS_REGION", "eu-west-1"),
                        entry("AWS_ACCESS_KEY_ID", "x"),
                        entry("AWS_SECRET_ACCESS_KEY", "y"),
                        entry("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000"),
                        entry("AWS_ENDPOINT_URL_EVENTBRIDGE", "http://127.0.0.1:8000"),
                        entry("IDEMPOTENCY", "dynamodb"),
                        entry("IDEMPOTENCY_TABLE", "probe-records"),
                        entry("EVENT_BUS_NAME", "default"),
                        entry("MAX_RECEIVE_COUNT", "4"),
                        entry("INVOKE_MAX_ATTEMPTS", "3"),
                        entry("DEAD_LETTER_QUEUE_ARN", DLQ_ARN),
                        entry("PARKED_QUEUE_URL", PARKED_URL),
                        entry("FAILED_EVENTS_QUEUE_ARN", FAILED_EVENTS_ARN));
    }

    @Test
    void theRuntimesVariablesWinOverTheFunctionsOwn() {
        Map<String, String> own = Map.of(
                "QUEUE_URL", "https://sqs.example/elsewhere",
                "AWS_ENDPOINT_URL_DYNAMODB", "https://dynamodb.example",
                "DEAD_LETTER_QUEUE_ARN", "arn:aws:sqs:us-east-1:1:other",
                "MAX_RECEIVE_COUNT", "99",
                "INVOKE_MAX_ATTEMPTS", "7");

        Map<String, String> environment =
                FunctionEnvironment.compose(settings(own), addresses(Optional.empty(), Optional.empty()));

        assertThat(environment)
                .contains(
                        entry("QUEUE_URL", "http://127.0.0.1:9324/000000000000/probe-queue"),
                        entry("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000"),
                        entry("DEAD_LETTER_QUEUE_ARN", DLQ_ARN),
                        entry("MAX_RECEIVE_COUNT", "4"),
                        entry("INVOKE_MAX_ATTEMPTS", "3"));
    }

    @Test
    void theFunctionsOwnRecordsAndBusSettingsAreKept() {
        Map<String, String> environment = FunctionEnvironment.compose(
                settings(Map.of("IDEMPOTENCY", "memory", "EVENT_BUS_NAME", "jobs")),
                addresses(Optional.empty(), Optional.empty()));

        assertThat(environment)
                .contains(entry("IDEMPOTENCY", "memory"), entry("EVENT_BUS_NAME", "jobs"))
                .doesNotContainKey("IDEMPOTENCY_TABLE");
    }

    @Test
    void aFunctionThatInvokesItselfIsToldTheLambdaEndpointAndItsName() {
        Map<String, String> environment = FunctionEnvironment.compose(
                settings(Map.of("DISPATCH", "invoke")), addresses(Optional.of(LAMBDA), Optional.empty()));

        assertThat(environment)
                .contains(
                        entry("AWS_ENDPOINT_URL_LAMBDA", "http://127.0.0.1:9001"),
                        entry("AWS_LAMBDA_FUNCTION_NAME", "probe"));
    }

    @Test
    void aFunctionThatDoesNotInvokeItselfHasNoLambdaEndpoint() {
        Map<String, String> environment =
                FunctionEnvironment.compose(settings(Map.of()), addresses(Optional.empty(), Optional.empty()));

        assertThat(environment).doesNotContainKeys("AWS_ENDPOINT_URL_LAMBDA", "AWS_LAMBDA_FUNCTION_NAME");
    }

    @Test
    void aFunctionThatInvokesItselfNeedsALambdaEndpoint() {
        assertThatThrownBy(() -> FunctionEnvironment.compose(
                        settings(Map.of("DISPATCH", "invoke")), addresses(Optional.empty(), Optional.empty())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("function probe chooses DISPATCH=invoke but has no Lambda endpoint to invoke itself"
                        + " through: bind one (LambdaApiServer.bind) before composing its environment");
    }

    @Test
    void withAFaultProxyTheFunctionReachesSqsThroughIt() {
        Map<String, String> environment =
                FunctionEnvironment.compose(settings(Map.of()), addresses(Optional.empty(), Optional.of(PROXY)));

        assertThat(environment).containsEntry("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:7000");
    }

    @Test
    void everyRuntimeVariableIsSetWhenEveryEndpointIsThere() {
        Map<String, String> environment = FunctionEnvironment.compose(
                settings(Map.of("DISPATCH", "invoke")), addresses(Optional.of(LAMBDA), Optional.of(PROXY)));

        assertThat(environment).containsKeys(LocalEnvironment.RUNTIME_VARIABLES.toArray(String[]::new));
    }

    @Test
    void recordsLiveAsLongAsTheFunctionsTimeToLiveOrItsDefault() {
        assertThat(FunctionEnvironment.recordsTimeToLive(Map.of("IDEMPOTENCY_TTL", "2h")))
                .isEqualTo(Duration.ofHours(2));
        assertThat(FunctionEnvironment.recordsTimeToLive(Map.of())).isEqualTo(Duration.ofDays(33));
        assertThat(FunctionEnvironment.recordsTimeToLive(Map.of("IDEMPOTENCY_TTL", "soon")))
                .as("a time to live the function would refuse: the default")
                .isEqualTo(Duration.ofDays(33));
    }

    @Test
    void onlyDispatchInvokeInvokesItself() {
        assertThat(FunctionEnvironment.invokesItself(Map.of("DISPATCH", "invoke")))
                .isTrue();
        assertThat(FunctionEnvironment.invokesItself(Map.of("DISPATCH", "sqs"))).isFalse();
        assertThat(FunctionEnvironment.invokesItself(Map.of())).isFalse();
        assertThat(FunctionEnvironment.invokesItself(Map.of("DISPATCH", "carrier-pigeon")))
                .isFalse();
    }
}
