package dev.loadsplitter.engine.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/**
 * Reads durations the way people write them in an environment variable: plain milliseconds
 * ({@code 5000}), a unit suffix ({@code 500ms}, {@code 5s}, {@code 2m}, {@code 24h}) or ISO-8601 ({@code PT5S}).
 */
public final class DurationSetting {

    private DurationSetting() {
    }

    /** Reads {@code setting} from {@code environment}; the error names the variable and the forms accepted. */
    public static Duration read(Setting setting, Map<String, String> environment) {
        String raw = setting.read(environment);
        try {
            return parse(raw);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(setting, raw,
                    "expected milliseconds (5000), a number with ms, s, m or h (500ms, 5s, 2m, 24h), or ISO-8601 (PT5S), "
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
}
