package dev.loadsplitter.engine.internal.ledger;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** One write to one item, applied only when its condition holds; alone or as part of a transaction. */
public sealed interface Write {

    ItemKey key();

    Condition condition();

    /** The item after this write, given the item before it ({@code null} when absent); {@code null} when deleted. */
    Item after(Item before);

    /** Replaces the whole item. */
    record Put(ItemKey key, Map<String, Object> attributes, Condition condition) implements Write {
        public Put {
            Objects.requireNonNull(key, "key");
            attributes = Map.copyOf(attributes);
            Objects.requireNonNull(condition, "condition");
        }

        @Override
        public Item after(Item before) {
            return new Item(key, attributes);
        }
    }

    /** Changes some attributes, creating the item when absent. */
    record Update(ItemKey key, List<Change> changes, Condition condition) implements Write {
        public Update {
            Objects.requireNonNull(key, "key");
            changes = List.copyOf(changes);
            Objects.requireNonNull(condition, "condition");
            if (changes.isEmpty()) {
                throw new IllegalArgumentException("an update of " + key + " needs at least one change");
            }
        }

        @Override
        public Item after(Item before) {
            Map<String, Object> attributes =
                    before == null ? new LinkedHashMap<>() : new LinkedHashMap<>(before.attributes());
            changes.forEach(change -> change.apply(attributes));
            return new Item(key, attributes);
        }
    }

    /** Deletes the item. */
    record Delete(ItemKey key, Condition condition) implements Write {
        public Delete {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(condition, "condition");
        }

        @Override
        public Item after(Item before) {
            return null;
        }
    }

    /** Writes nothing: only its condition counts, inside a transaction. */
    record Check(ItemKey key, Condition condition) implements Write {
        public Check {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(condition, "condition");
        }

        @Override
        public Item after(Item before) {
            return before;
        }
    }
}
