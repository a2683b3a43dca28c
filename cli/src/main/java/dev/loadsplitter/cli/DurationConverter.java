package dev.loadsplitter.cli;

import dev.loadsplitter.engine.config.DurationSetting;
import java.time.Duration;
import picocli.CommandLine;

/** Durations as the function's settings read them: 5000 (ms), 500ms, 5s, 2m, 1h or PT5S. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            return DurationSetting.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException("'" + value
                    + "' is not a duration: write milliseconds (5000), " + "500ms, 5s, 2m, 1h or ISO-8601 (PT5S)");
        }
    }
}
