package dev.loadsplitter.engine.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/**
 * Reads durations the way people write them in an environment variable: plain milliseconds
 * ({@code 5000}), a unit suffix ({@code 500ms}, {@code 5s}, {@code 2m}, {@code 24h}, {@code 33d}) or ISO-8601 ({@code PT5S}).
 */
public final class DurationSetting {

    private DurationSetting() {}

    /** Reads {@code setting} from {@code environment}; the error names the variable and the forms accepted. */
    public static Duration read(Setting setting, Map<String, String> environment) {
        String raw = setting.read(environment);
        try {
            return parse(raw);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(
                    setting,
                    raw,
                    "expected milliseconds (5000), a number with ms, s, m, h or d (500ms, 5s, 2m, 24h, 33d), or ISO-8601 (PT5S), "
                            + "not negative");
        }
    }

    /** Parses one duration text; throws {@link IllegalArgumentException} when it is none of the accepted forms. */
    public static Duration parse(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        Duration duration;
        try {
            if (value.matches("\\d+")) {
                duration = Duration.ofMillis(Long.parseLong(value));
            } else if (value.matches("\\d+ms")) {
                duration = Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            } else if (value.matches("\\d+s")) {
                duration = Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
            } else if (value.matches("\\d+m")) {
                duration = Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
            } else if (value.matches("\\d+h")) {
                duration = Duration.ofHours(Long.parseLong(value.substring(0, value.length() - 1)));
            } else if (value.matches("\\d+d")) {
                duration = Duration.ofDays(Long.parseLong(value.substring(0, value.length() - 1)));
            } else {
                duration = Duration.parse(text.trim());
            }
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("not a duration: '" + text + "'", e);
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException("negative duration: '" + text + "'");
        }
        return duration;
    }

    /** Writes a duration the way {@link #parse} reads it, in the largest whole unit: {@code 10m}, {@code 6s}, {@code 500ms}. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis != 0 && millis % 86_400_000 == 0) {
            return millis / 86_400_000 + "d";
        }
        if (millis != 0 && millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis != 0 && millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1_000 == 0) {
            return millis / 1_000 + "s";
        }
        return millis + "ms";
    }
}
