package dev.loadsplitter.engine.internal.ledger;

import java.util.List;
import java.util.Objects;

/**
 * A condition on one item, as DynamoDB's condition expressions state them: a write with a condition
 * is applied only when it holds on the item as stored, atomically. The ledger uses these few forms.
 */
public sealed interface Condition {

    /** Always true. */
    Condition NONE = new And(List.of());

    /** Whether the condition holds on {@code item}; {@code null} for an item that does not exist. */
    boolean test(Item item);

    /** The item does not exist. */
    static Condition absent() {
        return new Missing(null);
    }

    /** The item exists. */
    static Condition present() {
        return new Not(absent());
    }

    /** The item lacks {@code attribute} (true when the item does not exist). */
    static Condition missing(String attribute) {
        return new Missing(attribute);
    }

    static Condition equal(String attribute, Object value) {
        return new Compare(attribute, Compare.Op.EQ, Item.checked(attribute, value));
    }

    static Condition notEqual(String attribute, Object value) {
        return new Compare(attribute, Compare.Op.NE, Item.checked(attribute, value));
    }

    static Condition less(String attribute, long value) {
        return new Compare(attribute, Compare.Op.LT, value);
    }

    static Condition greater(String attribute, long value) {
        return new Compare(attribute, Compare.Op.GT, value);
    }

    static Condition and(Condition... conditions) {
        return new And(List.of(conditions));
    }

    static Condition or(Condition... conditions) {
        return new Or(List.of(conditions));
    }

    static Condition not(Condition condition) {
        return new Not(condition);
    }

    /** The item, or with a name, the attribute, does not exist. */
    record Missing(String attribute) implements Condition {
        @Override
        public boolean test(Item item) {
            return item == null || attribute != null && !item.has(attribute);
        }
    }

    /**
     * {@code attribute op value}; false when the attribute is absent (as in DynamoDB, where a
     * comparison with a missing attribute is false), except for {@code <>}, which is true then.
     */
    record Compare(String attribute, Op op, Object value) implements Condition {
        public Compare {
            Objects.requireNonNull(attribute, "attribute");
            Objects.requireNonNull(op, "op");
            Objects.requireNonNull(value, "value");
        }

        /** The comparison. */
        public enum Op {
            EQ("="),
            NE("<>"),
            LT("<"),
            GT(">");

            private final String symbol;

            Op(String symbol) {
                this.symbol = symbol;
            }

            public String symbol() {
                return symbol;
            }
        }

        @Override
        public boolean test(Item item) {
            Object stored = item == null ? null : item.attributes().get(attribute);
            if (stored == null) {
                return op == Op.NE;
            }
            if (stored.getClass() != value.getClass()) {
                return op == Op.NE;
            }
            int order = stored instanceof Long number
                    ? Long.compare(number, (Long) value)
                    : LedgerTable.compareSortKeys((String) stored, (String) value);
            return switch (op) {
                case EQ -> order == 0;
                case NE -> order != 0;
                case LT -> order < 0;
                case GT -> order > 0;
            };
        }
    }

    record And(List<Condition> all) implements Condition {
        public And {
            all = List.copyOf(all);
        }

        @Override
        public boolean test(Item item) {
            return all.stream().allMatch(condition -> condition.test(item));
        }
    }

    record Or(List<Condition> any) implements Condition {
        public Or {
            any = List.copyOf(any);
            if (any.isEmpty()) {
                throw new IllegalArgumentException("an OR needs at least one condition");
            }
        }

        @Override
        public boolean test(Item item) {
            return any.stream().anyMatch(condition -> condition.test(item));
        }
    }

    record Not(Condition condition) implements Condition {
        public Not {
            Objects.requireNonNull(condition, "condition");
        }

        @Override
        public boolean test(Item item) {
            return !condition.test(item);
        }
    }
}
