package dev.loadsplitter.local.fault;

import java.util.Objects;
import java.util.Optional;

/**
 * Decides, for each call a function makes to one of the local runtime's AWS endpoints (SQS,
 * DynamoDB, EventBridge), what goes wrong with it. The endpoints ask before they apply a call and
 * act on the answer as AWS would fail; the runtime's own calls (pollers, deletes, the CLI's
 * {@code jobs}/{@code dlq} commands, a client of {@code serve}) carry no invocation and are never
 * faulted.
 */
public interface CallFaults {

    /** Nothing ever goes wrong. */
    CallFaults NONE = call -> Decision.APPLY;

    /**
     * What happens to {@code call}; asked once per request, before it is applied.
     */
    Decision decide(Call call);

    /**
     * One request a function made.
     *
     * @param service {@code sqs}, {@code dynamodb} or {@code eventbridge}
     * @param operation the API action, as in {@code X-Amz-Target} after the dot or SQS's {@code Action}:
     *     {@code TransactWriteItems}, {@code SendMessageBatch}, {@code PutEvents}, …
     * @param traceHeader the request's {@code X-Amzn-Trace-Id} header, which names the invocation that
     *     made it; empty for a call from outside any invocation
     */
    record Call(String service, String operation, Optional<String> traceHeader) {
        public Call {
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(operation, "operation");
            Objects.requireNonNull(traceHeader, "traceHeader");
        }
    }

    /** What an endpoint does with a call. */
    enum Decision {
        /** Apply it and answer as usual. */
        APPLY,
        /**
         * The calling container is dead: apply nothing and reset the connection, so nothing it sends
         * reaches the endpoint.
         */
        REFUSE,
        /** Apply it, then lose the answer: answer 500 {@code InternalServerError} instead. */
        LOSE_ANSWER_500,
        /** Apply it, then lose the answer: reset the connection instead of answering. */
        LOSE_ANSWER_RESET,
        /**
         * Apply it, then the container dies: the connection is reset and the runtime ends the
         * invocation as Lambda ends a crashed one ({@code Runtime.ExitError}).
         */
        CRASH_AFTER,
        /**
         * DynamoDB only: fail it as a conflict with a concurrent transaction, applying nothing
         * ({@code TransactionCanceledException} with {@code TransactionConflict} for a transaction,
         * {@code TransactionConflictException} for a plain write). Other services apply it.
         */
        CONFLICT,
        /**
         * Fail it as throttled, applying nothing: DynamoDB's {@code ThrottlingException}, SQS's
         * {@code ThrottlingException}, EventBridge's {@code ThrottlingException}.
         */
        THROTTLE
    }
}
