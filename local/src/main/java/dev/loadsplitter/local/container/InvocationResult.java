package dev.loadsplitter.local.container;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** What an invocation returned, in the shapes Lambda returns them. */
public sealed interface InvocationResult {

    /** Lambda's error type when the function could not be initialised. */
    String INIT_ERROR = "Runtime.InitError";

    /** The function returned normally. */
    record Success(byte[] response) implements InvocationResult {
        public Success {
            Objects.requireNonNull(response, "response");
        }

        public String text() {
            return new String(response, StandardCharsets.UTF_8);
        }
    }

    /**
     * The function threw, or could not be initialised; Lambda answers with an error object.
     *
     * @param stackTrace the frames Lambda's runtime reports, empty when it reports none
     * @param initFailed whether the container could not be initialised (and is gone)
     */
    record FunctionError(String errorType, String errorMessage, List<String> stackTrace, boolean initFailed)
            implements InvocationResult {
        public FunctionError {
            Objects.requireNonNull(errorType, "errorType");
            Objects.requireNonNull(errorMessage, "errorMessage");
            stackTrace = List.copyOf(stackTrace);
        }

        /** An error thrown by the handler, without a stack trace. */
        public FunctionError(String errorType, String errorMessage) {
            this(errorType, errorMessage, List.of(), false);
        }

        /** A container that could not be initialised. */
        public static FunctionError initError(String errorType, String errorMessage, List<String> stackTrace) {
            return new FunctionError(errorType, errorMessage, stackTrace, true);
        }
    }

    /** The function ran past its timeout and was stopped. */
    record TimedOut(Duration timeout) implements InvocationResult {
        public String errorMessage() {
            return String.format(Locale.ROOT, "Task timed out after %.2f seconds", timeout.toMillis() / 1000.0);
        }
    }

    /**
     * No invocation happened: the function was at its concurrency limit, out of new execution
     * environments for now (Lambda's scaling rate), or throttled on purpose.
     *
     * @param cause what refused it
     */
    record Throttled(int concurrencyLimit, Cause cause) implements InvocationResult {

        public Throttled {
            java.util.Objects.requireNonNull(cause, "cause");
        }

        /** At the concurrency limit. */
        public Throttled(int concurrencyLimit) {
            this(concurrencyLimit, Cause.RESERVED_CONCURRENCY);
        }

        /** Out of new execution environments for now. */
        public static Throttled scalingRate(int concurrencyLimit) {
            return new Throttled(concurrencyLimit, Cause.SCALING_RATE);
        }

        /** Throttled by {@code --invoke-throttle-rate}, on top of the reserved concurrency. */
        public static Throttled injected(int concurrencyLimit) {
            return new Throttled(concurrencyLimit, Cause.INJECTED);
        }

        public String errorMessage() {
            return switch (cause) {
                case SCALING_RATE ->
                    "Rate Exceeded. The function is gaining new execution environments as fast as Lambda allows "
                            + "(1,000 every 10 seconds).";
                case RESERVED_CONCURRENCY ->
                    "Rate Exceeded. The function is at its reserved concurrency of " + concurrencyLimit + ".";
                case INJECTED -> "Rate Exceeded. Injected throttle (--invoke-throttle-rate).";
            };
        }

        /** What refused an invocation. */
        public enum Cause {
            /** Every container the reserved concurrency allows was busy. */
            RESERVED_CONCURRENCY,
            /** Lambda's rate of new execution environments was used up. */
            SCALING_RATE,
            /** {@code --invoke-throttle-rate} chose it. */
            INJECTED
        }
    }

    default boolean isError() {
        return !(this instanceof Success);
    }

    /** The payload Lambda would return: the response, or {@code {"errorMessage":…,"errorType":…}}. */
    default byte[] payload() {
        return switch (this) {
            case Success success -> success.response();
            case FunctionError error -> errorPayload(error.errorMessage(), error.errorType(), error.stackTrace());
            case TimedOut timedOut -> errorPayload(timedOut.errorMessage(), "Sandbox.Timedout", List.of());
            case Throttled throttled -> errorPayload(throttled.errorMessage(), "TooManyRequestsException", List.of());
        };
    }

    private static byte[] errorPayload(String message, String type, List<String> stackTrace) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("errorMessage", message);
        node.put("errorType", type);
        if (!stackTrace.isEmpty()) {
            stackTrace.forEach(node.putArray("stackTrace")::add);
        }
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
