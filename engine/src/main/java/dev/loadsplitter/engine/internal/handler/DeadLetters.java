package dev.loadsplitter.engine.internal.handler;

import dev.loadsplitter.engine.message.SqsRecord;
import java.util.Objects;
import java.util.Optional;

/**
 * The dead-letter queue as the function sees it: its records are recognised by their
 * {@code eventSourceARN}, and each one, once counted into its job, is parked in another queue where
 * {@code load-splitter dlq list|redrive} find it.
 *
 * @param queueArn the DLQ's ARN; empty when the DLQ does not invoke the function
 * @param maxReceiveCount the work queue's receives before SQS moves a message to the DLQ
 * @param invokeMaxAttempts Lambda's attempts at an asynchronous invocation before its on-failure destination
 * @param parking sends a record to the parked queue
 */
public record DeadLetters(Optional<String> queueArn, int maxReceiveCount, int invokeMaxAttempts, Parking parking) {

    /** Lambda's default: an asynchronous invocation is tried once and retried twice. */
    public static final int DEFAULT_INVOKE_ATTEMPTS = 3;

    /** With Lambda's default asynchronous attempts. */
    public DeadLetters(Optional<String> queueArn, int maxReceiveCount, Parking parking) {
        this(queueArn, maxReceiveCount, DEFAULT_INVOKE_ATTEMPTS, parking);
    }

    public DeadLetters {
        Objects.requireNonNull(queueArn, "queueArn");
        Objects.requireNonNull(parking, "parking");
        if (maxReceiveCount < 1) {
            throw new IllegalArgumentException("maxReceiveCount must be at least 1, got " + maxReceiveCount);
        }
    }

    /** Sends a dead-lettered record, body and attributes, to the parked queue. */
    @FunctionalInterface
    public interface Parking {
        void park(SqsRecord record);

        /** No parked queue is configured. */
        Parking NONE = record -> {
            throw new IllegalStateException("PARKED_QUEUE_URL is not set: a dead-lettered record cannot be parked");
        };
    }

    /** No dead-letter consumer; SQS's default receive count. */
    public static DeadLetters none() {
        return new DeadLetters(Optional.empty(), 5, Parking.NONE);
    }

    /** Whether records can be parked: a record that can never succeed is then parked at once. */
    boolean canPark() {
        return parking != Parking.NONE;
    }

    /**
     * Whether the function consumes its dead-letter queue (DEAD_LETTER_QUEUE_ARN is set): it then
     * counts a dead-lettered leaf's items, and finishes queuing a dead-lettered split's parts.
     */
    boolean finishesSplits() {
        return queueArn.isPresent();
    }

    /** Whether {@code record} came from the dead-letter queue. */
    boolean isDeadLetter(SqsRecord record) {
        return queueArn.isPresent() && queueArn.get().equals(record.eventSourceArn());
    }

    /**
     * Whether a failure of this delivery is the last one: before SQS dead-letters the message, or,
     * for a sub-task delivered by an asynchronous invocation (no receive count), before Lambda sends
     * it to the on-failure destination.
     *
     * @param claimAttempt the processing record's count of attempts at the task, 0 when unknown
     */
    boolean isLastAttempt(SqsRecord record, int claimAttempt) {
        return record.receiveCount() > 0
                ? record.receiveCount() >= maxReceiveCount
                : claimAttempt > 0 && claimAttempt >= invokeMaxAttempts;
    }
}
