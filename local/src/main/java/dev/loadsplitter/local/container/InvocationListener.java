package dev.loadsplitter.local.container;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Hears every invocation's start and end, for logs, progress and reports. Must be thread-safe. */
public interface InvocationListener {

    /** An invocation is about to run its handler. */
    default void started(Started started) {}

    /** An invocation has finished, one way or another. */
    default void finished(Finished finished) {}

    /**
     * @param requestId the invocation's request id
     * @param trigger how it was invoked
     * @param payload the event it received
     * @param containerId which container runs it
     * @param coldStart whether the container was created for it
     * @param at when it started
     */
    record Started(String requestId, Trigger trigger, byte[] payload, int containerId, boolean coldStart, Instant at) {}

    /**
     * @param started the matching start
     * @param result what it returned
     * @param initDuration the container's initialisation time, for a cold start
     * @param at when it finished
     * @param lostAnswer what the function answered when an injected crash or timeout threw the answer away:
     *                   the work it describes was done
     */
    record Finished(
            Started started,
            InvocationResult result,
            Optional<Duration> initDuration,
            Instant at,
            Optional<byte[]> lostAnswer) {

        /** Handler time, without initialisation. */
        public Duration duration() {
            Duration total = Duration.between(started.at(), at);
            return initDuration.map(total::minus).orElse(total);
        }
    }

    static InvocationListener none() {
        return new InvocationListener() {};
    }

    /** Tells each listener in turn. */
    static InvocationListener all(List<InvocationListener> listeners) {
        List<InvocationListener> copy = List.copyOf(listeners);
        return new InvocationListener() {
            @Override
            public void started(Started started) {
                copy.forEach(listener -> listener.started(started));
            }

            @Override
            public void finished(Finished finished) {
                copy.forEach(listener -> listener.finished(finished));
            }
        };
    }
}
