package dev.loadsplitter.engine.internal.jobs;

import dev.loadsplitter.engine.message.JobRecord;

/** Where a job's completion event goes. One method, so a test or another bus can stand in for EventBridge. */
@FunctionalInterface
public interface CompletionEvents {

    /**
     * Publishes that {@code job} closed (its close number is {@code job.close()}).
     *
     * @throws RuntimeException when it could not be published; the caller tries again later
     */
    void publish(JobRecord job);

    /** Publishes nothing: no event bus is configured. */
    static CompletionEvents none() {
        return job -> {};
    }
}
