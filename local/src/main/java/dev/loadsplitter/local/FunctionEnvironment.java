package dev.loadsplitter.local;

import dev.loadsplitter.engine.config.Dispatch;
import dev.loadsplitter.engine.config.DurationSetting;
import dev.loadsplitter.engine.config.Idempotency;
import dev.loadsplitter.engine.internal.config.EngineSettings;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Composes the function's environment: its own variables from {@link LocalSettings#environment()},
 * with the runtime's variables laid over them to point it at the local queues and endpoints, and
 * the defaults the deployment sets (records in DynamoDB, the default bus) where its own say nothing.
 */
final class FunctionEnvironment {

    /** The variables the runtime sets, whatever the function's own settings say. */
    static final List<String> RUNTIME_VARIABLES = List.of(
            "QUEUE_URL",
            "AWS_ENDPOINT_URL_SQS",
            "AWS_ENDPOINT_URL_DYNAMODB",
            "AWS_ENDPOINT_URL_EVENTBRIDGE",
            "AWS_ENDPOINT_URL_LAMBDA",
            EngineSettings.INVOKE_MAX_ATTEMPTS.name(),
            EngineSettings.DEAD_LETTER_QUEUE_ARN.name(),
            EngineSettings.PARKED_QUEUE_URL.name(),
            EngineSettings.FAILED_EVENTS_QUEUE_ARN.name());

    /**
     * Where the runtime's variables point: what was started for the function.
     *
     * @param sqs the embedded SQS server's variables for the work queue ({@code EmbeddedSqs.environment})
     * @param aws the local DynamoDB and EventBridge endpoint
     * @param lambda the runtime's Lambda endpoint the function invokes itself through; present exactly
     *     when its settings choose DISPATCH=invoke ({@link #invokesItself})
     * @param sqsProxy the SQS fault proxy the function reaches SQS through, when a fault needs one
     * @param dlqArn the dead-letter queue's ARN
     * @param parkedUrl the URL of the queue dead letters are parked in
     * @param failedEventsArn the ARN of the asynchronous invocations' on-failure destination
     */
    record Addresses(
            Map<String, String> sqs,
            URI aws,
            Optional<URI> lambda,
            Optional<URI> sqsProxy,
            String dlqArn,
            String parkedUrl,
            String failedEventsArn) {

        Addresses {
            sqs = Map.copyOf(sqs);
            Objects.requireNonNull(aws, "aws");
            Objects.requireNonNull(lambda, "lambda");
            Objects.requireNonNull(sqsProxy, "sqsProxy");
            Objects.requireNonNull(dlqArn, "dlqArn");
            Objects.requireNonNull(parkedUrl, "parkedUrl");
            Objects.requireNonNull(failedEventsArn, "failedEventsArn");
        }
    }

    private FunctionEnvironment() {}

    /**
     * The function's environment for {@code settings}, pointed at {@code addresses}.
     *
     * @throws IllegalArgumentException when the function invokes itself and no Lambda endpoint was started for it
     */
    static Map<String, String> compose(LocalSettings settings, Addresses addresses) {
        if (invokesItself(settings.environment()) && addresses.lambda().isEmpty()) {
            throw new IllegalArgumentException("function " + settings.functionName()
                    + " chooses DISPATCH=invoke but has no Lambda endpoint to invoke itself through: bind one"
                    + " (LambdaApiServer.bind) before composing its environment");
        }
        Map<String, String> environment = new HashMap<>(settings.environment());
        environment.putAll(addresses.sqs());
        // Processing and job records in DynamoDB, completion events on EventBridge, the DLQ counted and
        // parked: as the deployment sets them up, against the local endpoints. --env may choose otherwise.
        environment.put("AWS_ENDPOINT_URL_DYNAMODB", addresses.aws().toString());
        environment.put("AWS_ENDPOINT_URL_EVENTBRIDGE", addresses.aws().toString());
        if (!settings.environment().containsKey(EngineSettings.IDEMPOTENCY.name())) {
            environment.put(EngineSettings.IDEMPOTENCY.name(), Idempotency.DYNAMODB.value());
            environment.put(EngineSettings.IDEMPOTENCY_TABLE.name(), settings.recordsTableName());
        }
        environment.putIfAbsent(EngineSettings.EVENT_BUS_NAME.name(), "default");
        environment.put(EngineSettings.MAX_RECEIVE_COUNT.name(), Integer.toString(settings.maxReceiveCount()));
        environment.put(
                EngineSettings.INVOKE_MAX_ATTEMPTS.name(),
                Integer.toString(settings.async().retries() + 1));
        addresses.lambda().ifPresent(lambda -> {
            environment.put("AWS_ENDPOINT_URL_LAMBDA", lambda.toString());
            environment.put(EngineSettings.FUNCTION_NAME.name(), settings.functionName());
        });
        environment.put(EngineSettings.DEAD_LETTER_QUEUE_ARN.name(), addresses.dlqArn());
        environment.put(EngineSettings.PARKED_QUEUE_URL.name(), addresses.parkedUrl());
        environment.put(EngineSettings.FAILED_EVENTS_QUEUE_ARN.name(), addresses.failedEventsArn());
        // The function reaches SQS through the proxy; the runtime's own polling does not.
        addresses.sqsProxy().ifPresent(proxy -> environment.put("AWS_ENDPOINT_URL_SQS", proxy.toString()));
        return Map.copyOf(environment);
    }

    /** How long the function keeps its records (IDEMPOTENCY_TTL), its default when its settings do not say. */
    static Duration recordsTimeToLive(Map<String, String> environment) {
        try {
            return EngineSettings.from(environment).idempotencyTtl();
        } catch (RuntimeException e) {
            return DurationSetting.read(EngineSettings.IDEMPOTENCY_TTL, Map.of());
        }
    }

    /** Whether the function's settings choose DISPATCH=invoke. */
    static boolean invokesItself(Map<String, String> environment) {
        try {
            return EngineSettings.from(environment).dispatch() == Dispatch.INVOKE;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
