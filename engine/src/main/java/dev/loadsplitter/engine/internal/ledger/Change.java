package dev.loadsplitter.engine.internal.ledger;

import java.util.Map;
import java.util.Objects;

/** One change an update makes to an item's attributes, as DynamoDB's update expressions state them. */
public sealed interface Change {

    /** Applies the change to {@code attributes} (a mutable copy of the item's). */
    void apply(Map<String, Object> attributes);

    /** The attribute this change writes. */
    String attribute();

    static Change set(String attribute, Object value) {
        return new Set(attribute, Item.checked(attribute, value));
    }

    static Change setIfAbsent(String attribute, Object value) {
        return new SetIfAbsent(attribute, Item.checked(attribute, value));
    }

    static Change add(String attribute, long amount) {
        return new Add(attribute, amount);
    }

    static Change remove(String attribute) {
        return new Remove(attribute);
    }

    /** {@code SET attribute = value}. */
    record Set(String attribute, Object value) implements Change {
        public Set {
            Objects.requireNonNull(attribute, "attribute");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public void apply(Map<String, Object> attributes) {
            attributes.put(attribute, value);
        }
    }

    /** {@code SET attribute = if_not_exists(attribute, value)}. */
    record SetIfAbsent(String attribute, Object value) implements Change {
        public SetIfAbsent {
            Objects.requireNonNull(attribute, "attribute");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public void apply(Map<String, Object> attributes) {
            attributes.putIfAbsent(attribute, value);
        }
    }

    /** {@code ADD attribute amount}: a number, 0 when absent. */
    record Add(String attribute, long amount) implements Change {
        public Add {
            Objects.requireNonNull(attribute, "attribute");
        }

        @Override
        public void apply(Map<String, Object> attributes) {
            Object current = attributes.get(attribute);
            long base = current instanceof Long number ? number : 0;
            attributes.put(attribute, base + amount);
        }
    }

    /** {@code REMOVE attribute}. */
    record Remove(String attribute) implements Change {
        public Remove {
            Objects.requireNonNull(attribute, "attribute");
        }

        @Override
        public void apply(Map<String, Object> attributes) {
            attributes.remove(attribute);
        }
    }
}
