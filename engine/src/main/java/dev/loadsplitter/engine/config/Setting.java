package dev.loadsplitter.engine.config;

import java.util.Map;
import java.util.Objects;

/**
 * One environment variable the function reads: its name, its default and what it means.
 *
 * <p>Every variable is declared exactly once as a {@code Setting} constant, so the code, the
 * README's configuration table, the local runtime and the Terraform checks all name the same
 * thing.
 *
 * @param name the environment variable's name
 * @param defaultValue the value used when the variable is unset or blank; empty when there is none
 * @param description one sentence for the configuration table
 */
public record Setting(String name, String defaultValue, String description) {

    public Setting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(description, "description");
        if (!name.matches("[A-Z][A-Z0-9_]*")) {
            throw new IllegalArgumentException(
                    "A setting name must be an upper-case environment variable name, got '" + name + "'");
        }
    }

    /** The raw value from {@code environment}, or the default when unset or blank. */
    public String read(Map<String, String> environment) {
        String value = environment.get(name);
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    /** True when {@code environment} sets this variable to a non-blank value. */
    public boolean isSetIn(Map<String, String> environment) {
        String value = environment.get(name);
        return value != null && !value.isBlank();
    }

    /** Reads a whole number in {@code [min, max]}; the error names the variable and the range. */
    public int readInt(Map<String, String> environment, int min, int max) {
        String raw = read(environment);
        int value;
        try {
            value = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(this, raw, "expected a whole number from " + min + " to " + max);
        }
        if (value < min || value > max) {
            throw new InvalidSettingException(this, raw, "expected a whole number from " + min + " to " + max);
        }
        return value;
    }
}
