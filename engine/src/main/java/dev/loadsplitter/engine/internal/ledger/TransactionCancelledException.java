package dev.loadsplitter.engine.internal.ledger;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A transaction was not applied because a condition did not hold; nothing was written. One reason per
 * write, in order.
 */
public final class TransactionCancelledException extends RuntimeException {

    private final transient List<Reason> reasons;

    public TransactionCancelledException(List<Reason> reasons) {
        super("a condition of the transaction did not hold: " + describe(reasons), null, false, false);
        this.reasons = List.copyOf(reasons);
    }

    /**
     * Why one write of the transaction was not applied.
     *
     * @param conditionFailed whether its own condition failed (else another's did)
     * @param current the item as stored, when its condition failed; empty when it did not exist
     */
    public record Reason(boolean conditionFailed, Optional<Item> current) {
        public Reason {
            Objects.requireNonNull(current, "current");
        }

        public static Reason held() {
            return new Reason(false, Optional.empty());
        }

        public static Reason failed(Optional<Item> current) {
            return new Reason(true, current);
        }
    }

    public List<Reason> reasons() {
        return reasons;
    }

    /** Whether the condition of write {@code index} failed. */
    public boolean failed(int index) {
        return reasons.get(index).conditionFailed();
    }

    private static String describe(List<Reason> reasons) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < reasons.size(); i++) {
            if (reasons.get(i).conditionFailed()) {
                text.append(text.isEmpty() ? "" : ", ").append("write ").append(i);
            }
        }
        return text.toString();
    }
}
