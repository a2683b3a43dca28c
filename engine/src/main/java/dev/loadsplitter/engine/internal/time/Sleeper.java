package dev.loadsplitter.engine.internal.time;

import java.time.Duration;

/** Pauses the calling thread; injected so tests need not wait for real backoff. */
@FunctionalInterface
public interface Sleeper {

    void sleep(Duration duration) throws InterruptedException;

    static Sleeper system() {
        return Thread::sleep;
    }
}
