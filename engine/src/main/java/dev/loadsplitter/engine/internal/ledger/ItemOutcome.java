package dev.loadsplitter.engine.internal.ledger;

import java.util.Objects;
import java.util.Optional;

/**
 * What became of one item, to be marked in the ledger.
 *
 * @param index the item's index in the original event
 */
public sealed interface ItemOutcome {

    long index();

    /**
     * Its work completed.
     *
     * @param result its result as JSON text; empty when the work returned none
     */
    record Done(long index, Optional<String> result) implements ItemOutcome {
        public Done {
            Objects.requireNonNull(result, "result");
        }
    }

    /** It failed its last attempt and is dead-lettered, with the error that failed it. */
    record Dead(long index, String errorType, String errorMessage) implements ItemOutcome {
        public Dead {
            Objects.requireNonNull(errorType, "errorType");
            Objects.requireNonNull(errorMessage, "errorMessage");
        }
    }

    /** Its job stopped before its work started. */
    record Skipped(long index) implements ItemOutcome {}

    /** A dead-lettered item sent back for another try by a redrive: open again until that ends. */
    record Redriven(long index) implements ItemOutcome {}

    default MarkState state() {
        return switch (this) {
            case Done done -> MarkState.DONE;
            case Dead dead -> MarkState.DEAD;
            case Skipped skipped -> MarkState.SKIPPED;
            case Redriven redriven -> MarkState.PENDING;
        };
    }
}
