package dev.loadsplitter.engine.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where the processing records that stop a sub-task from being processed twice are kept ({@code IDEMPOTENCY}). */
public enum Idempotency {
    /** In the container's memory: catches the duplicates that reach the same container. */
    MEMORY,
    /** In a DynamoDB table shared by every container ({@code IDEMPOTENCY_TABLE}). */
    DYNAMODB,
    /** Not kept: a duplicate delivery is processed again. */
    OFF;

    /** The value as written in the environment: {@code memory}, {@code dynamodb} or {@code off}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads {@code memory}, {@code dynamodb} or {@code off}, in any case.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Idempotency parse(String text) {
        for (Idempotency value : values()) {
            if (value.value().equalsIgnoreCase(text.trim())) {
                return value;
            }
        }
        throw new IllegalArgumentException(
                "expected " + Arrays.stream(values()).map(Idempotency::value).collect(Collectors.joining(", ")));
    }
}
