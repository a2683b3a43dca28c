package dev.loadsplitter.engine.internal.ledger;

import java.util.Optional;

/** A write's condition did not hold on the item as stored; nothing was written. */
public final class ConditionFailedException extends RuntimeException {

    private final transient Optional<Item> current;

    public ConditionFailedException(ItemKey key, Optional<Item> current) {
        super("the condition on " + key + " did not hold", null, false, false);
        this.current = current;
    }

    /** The item as stored when the condition was checked; empty when it did not exist. */
    public Optional<Item> current() {
        return current;
    }
}
