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
 * @param failedEventsArn the failed-events queue's ARN (Lambda's on-failure destination of asynchronous
 *     invocations); empty when it does not invoke the function
 */
public record DeadLetters(
        Optional<String> queueArn,
        int maxReceiveCount,
        int invokeMaxAttempts,
        Parking parking,
        Optional<String> failedEventsArn) {

    /** Lambda's default: an asynchronous invocation is tried once and retried twice. */
    public static final int DEFAULT_INVOKE_ATTEMPTS = 3;

    /** With Lambda's default asynchronous attempts, and no failed-events consumer. */
    public DeadLetters(Optional<String> queueArn, int maxReceiveCount, Parking parking) {
        this(queueArn, maxReceiveCount, DEFAULT_INVOKE_ATTEMPTS, parking);
    }

    /** No failed-events consumer. */
    public DeadLetters(Optional<String> queueArn, int maxReceiveCount, int invokeMaxAttempts, Parking parking) {
        this(queueArn, maxReceiveCount, invokeMaxAttempts, parking, Optional.empty());
    }

    public DeadLetters {
        Objects.requireNonNull(queueArn, "queueArn");
        Objects.requireNonNull(parking, "parking");
        Objects.requireNonNull(failedEventsArn, "failedEventsArn");
        if (failedEventsArn.isPresent() && parking == Parking.NONE) {
            throw new IllegalArgumentException("a failed-events consumer needs a parked queue (PARKED_QUEUE_URL) for "
                    + "the events it can never run");
        }
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

    /**
     * Whether the function consumes the failed-events queue (FAILED_EVENTS_QUEUE_ARN is set): a root
     * split that fails Lambda's last asynchronous attempt then goes on to it, and its consumer, this
     * function, finishes queuing its parts.
     */
    boolean finishesFailedEvents() {
        return failedEventsArn.isPresent();
    }

    /** Whether {@code record} came from the failed-events queue: a Lambda invocation record. */
    boolean isFailedEvent(SqsRecord record) {
        return failedEventsArn.isPresent() && failedEventsArn.get().equals(record.eventSourceArn());
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
