package dev.loadsplitter.local;

import dev.loadsplitter.engine.internal.config.EngineSettings;
import dev.loadsplitter.engine.internal.time.Sleeper;
import dev.loadsplitter.local.container.FunctionRuntime;
import dev.loadsplitter.local.container.Trigger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local counterpart of the deployment's EventBridge schedule: invokes the function with
 * {@code {"loadSplitterSweep": {}}} every so often, so the job ledger's sweep closes jobs whose
 * closer died, announces closes nobody announced, and times out jobs open past JOB_DEADLINE.
 */
final class Sweeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Sweeper.class);
    private static final byte[] SWEEP = "{\"loadSplitterSweep\":{}}".getBytes(StandardCharsets.UTF_8);
    private static final Duration LONGEST = Duration.ofMinutes(1);
    private static final Duration SHORTEST = Duration.ofSeconds(1);

    private final Thread thread;
    private volatile boolean running = true;

    private Sweeper(FunctionRuntime function, Duration every, Sleeper sleeper) {
        this.thread = Thread.ofVirtual().name("ledger-sweep").start(() -> {
            while (running) {
                try {
                    sleeper.sleep(every);
                } catch (InterruptedException e) {
                    return;
                }
                if (running) {
                    function.invoke(SWEEP, Trigger.SCHEDULE);
                }
            }
        });
    }

    /**
     * Sweeps every quarter of the function's JOB_DEADLINE, from once a second to once a minute, so a
     * job past its deadline closes soon after it.
     */
    static Sweeper start(FunctionRuntime function, Map<String, String> environment, Sleeper sleeper) {
        Objects.requireNonNull(function, "function");
        Duration every;
        try {
            every = EngineSettings.from(environment).jobDeadline().dividedBy(4);
        } catch (RuntimeException e) {
            every = LONGEST;
        }
        every = every.compareTo(SHORTEST) < 0 ? SHORTEST : every.compareTo(LONGEST) > 0 ? LONGEST : every;
        log.debug("ledger sweep every {}", every);
        return new Sweeper(function, every, sleeper);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
