package dev.loadsplitter.local.forecast;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One rule or price a forecast rests on, with where it comes from and when that was read, so a
 * user can check it and override it.
 *
 * @param key the name an override uses, such as {@code price.lambda.gbSecond.arm64}
 * @param value the number
 * @param unit what the number counts
 * @param description what it means, in a sentence
 * @param source the page it was read from, or what measured it
 * @param read the day it was read
 */
public record Assumption(String key, double value, String unit, String description, String source, LocalDate read) {

    public Assumption {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(read, "read");
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("assumption " + key + " must be a number of at least 0, got " + value);
        }
    }

    /** The same assumption with another value, given by the user. */
    public Assumption overriddenWith(double newValue) {
        return new Assumption(key, newValue, unit, description, "overridden by the user (was " + value + ")", read);
    }
}
