package dev.loadsplitter.engine.internal.ledger;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One ledger item: its key and its attributes, each a string or a whole number ({@code Long}), which
 * is all the ledger keeps. Immutable.
 */
public record Item(ItemKey key, Map<String, Object> attributes) {

    public Item {
        Objects.requireNonNull(key, "key");
        Map<String, Object> copy = new LinkedHashMap<>();
        attributes.forEach((name, value) -> copy.put(name, checked(name, value)));
        attributes = Collections.unmodifiableMap(copy);
    }

    static Object checked(String name, Object value) {
        if (value instanceof String || value instanceof Long) {
            return value;
        }
        if (value instanceof Integer number) {
            return number.longValue();
        }
        throw new IllegalArgumentException("ledger attribute " + name + " must be a String or a Long, got "
                + (value == null ? "null" : value.getClass().getName()));
    }

    public boolean has(String name) {
        return attributes.containsKey(name);
    }

    /** A string attribute, or empty when absent. */
    public Optional<String> text(String name) {
        return attributes.get(name) instanceof String text ? Optional.of(text) : Optional.empty();
    }

    /** A string attribute, or {@code fallback}. */
    public String text(String name, String fallback) {
        return text(name).orElse(fallback);
    }

    /** A number attribute, or 0 when absent. */
    public long number(String name) {
        return attributes.get(name) instanceof Long number ? number : 0;
    }

    /** The same item with {@code name} set. */
    public Item with(String name, Object value) {
        Map<String, Object> changed = new LinkedHashMap<>(attributes);
        changed.put(name, value);
        return new Item(key, changed);
    }
}
