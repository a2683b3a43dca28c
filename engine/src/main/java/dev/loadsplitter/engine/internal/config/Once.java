package dev.loadsplitter.engine.internal.config;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A value built on first use and kept: a client, a sender, a queue URL looked up by name. A failed
 * build is not kept, so the next use tries again. Thread-safe.
 */
public final class Once<T> implements Supplier<T> {

    private final Supplier<? extends T> build;
    private volatile T value;

    public Once(Supplier<? extends T> build) {
        this.build = Objects.requireNonNull(build, "build");
    }

    /** A value that is known already. */
    public static <T> Once<T> of(T value) {
        Once<T> once = new Once<>(() -> value);
        once.value = Objects.requireNonNull(value, "value");
        return once;
    }

    @Override
    public T get() {
        T known = value;
        if (known == null) {
            synchronized (this) {
                known = value;
                if (known == null) {
                    known = Objects.requireNonNull(build.get(), "built value");
                    value = known;
                }
            }
        }
        return known;
    }

    /** Whether the value has been built. */
    public boolean isDone() {
        return value != null;
    }
}
