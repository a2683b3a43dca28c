package dev.loadsplitter.function.createtags;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.loadsplitter.engine.config.DurationSetting;
import dev.loadsplitter.engine.config.Setting;
import dev.loadsplitter.engine.task.WorkContext;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work done for one tag. As in the sample it is simulated: a pause of {@code PROCESSING_DELAY}
 * (5 s by default) between a start line and a done line, so the speed-up of splitting is visible.
 */
public final class TagWork {

    public static final Setting PROCESSING_DELAY = new Setting(
            "PROCESSING_DELAY",
            "5s",
            "Simulated work per tag: milliseconds (5000), 500ms, 5s, 2m, 1h or ISO-8601 (PT5S).");

    private static final Logger log = LoggerFactory.getLogger(TagWork.class);

    private final Duration delay;
    private final Pause pause;

    /** Work that pauses the calling thread for {@code delay} per tag. */
    public TagWork(Duration delay) {
        this(delay, Thread::sleep);
    }

    public TagWork(Duration delay, Pause pause) {
        this.delay = Objects.requireNonNull(delay, "delay");
        this.pause = Objects.requireNonNull(pause, "pause");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, got " + delay);
        }
    }

    public static TagWork fromEnvironment(Map<String, String> environment) {
        return new TagWork(DurationSetting.read(PROCESSING_DELAY, environment));
    }

    public Duration delay() {
        return delay;
    }

    void process(CreateTagsTask task, int index, WorkContext context) throws InterruptedException {
        String key = task.key(index);
        log.info("{}: processing tag key={} on {}", context.describe(), quoted(key), task.resourceIds());
        if (!delay.isZero()) {
            pause.pause(delay);
        }
        // "(item N)", N the tag's index in the event, lets the local runtime check the ledger against the work.
        log.info(
                "{}: done tag key={} on {} (item {})",
                context.describe(),
                quoted(key),
                task.resourceIds(),
                context.firstItem() + index);
    }

    /** How the work waits out its delay; injected so a test need not wait in real time. */
    @FunctionalInterface
    public interface Pause {
        void pause(Duration delay) throws InterruptedException;
    }

    /** The key as a JSON string, quoted and escaped by Jackson, so odd characters cannot forge or break a log line. */
    private static String quoted(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }
}
