package dev.loadsplitter.engine.internal.batch;

import java.util.Objects;

/** What became of one SQS record. A failed record is reported back so SQS redelivers it, and only it. */
public sealed interface RecordOutcome {

    String messageId();

    /** Processed, split and queued, counted as dead-lettered and parked, or ignored on purpose: it may be deleted. */
    record Succeeded(String messageId, String summary) implements RecordOutcome {
        public Succeeded {
            Objects.requireNonNull(messageId, "messageId");
            Objects.requireNonNull(summary, "summary");
        }
    }

    /** Not done: the record stays in the queue and comes back, up to the redrive policy's receive count. */
    record Failed(String messageId, String reason) implements RecordOutcome {
        public Failed {
            Objects.requireNonNull(messageId, "messageId");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
