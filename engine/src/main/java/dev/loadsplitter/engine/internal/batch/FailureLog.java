package dev.loadsplitter.engine.internal.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;

/**
 * The failures of one invocation: the first of each {@linkplain FailureKind kind} is logged with its
 * stack by the caller, the repeats only counted, and {@link #summarize} says how many more there were
 * ("…and 7 more like it"), so a task type failing every record of a batch the same way shows its stack
 * once. Thread-safe: a batch's records fail on several threads.
 */
public final class FailureLog {

    /** How many places a summary names at most. */
    static final int PLACES = 10;

    private final Map<String, Kind> kinds = new ConcurrentHashMap<>();

    private static final class Kind {
        final Throwable first;
        final AtomicInteger more = new AtomicInteger();
        final Set<String> places = ConcurrentHashMap.newKeySet();

        Kind(Throwable first) {
            this.first = first;
        }
    }

    /**
     * Notes {@code failure}, which happened at {@code place} (a message id, say).
     *
     * @return whether it is the first of its kind in this invocation, to be logged with its stack;
     *     a repeat is counted instead
     */
    public boolean first(Throwable failure, String place) {
        boolean[] fresh = {false};
        Kind kind = kinds.computeIfAbsent(FailureKind.of(failure), key -> {
            fresh[0] = true;
            return new Kind(failure);
        });
        if (!fresh[0]) {
            kind.more.incrementAndGet();
            if (kind.places.size() < PLACES) {
                kind.places.add(place);
            }
        }
        return fresh[0];
    }

    /** Logs one line per kind that repeated: how many more, what they were, and where. */
    public void summarize(Logger log, String requestId) {
        for (Kind kind : kinds.values()) {
            int more = kind.more.get();
            if (more == 0) {
                continue;
            }
            List<String> places = new ArrayList<>(kind.places);
            log.warn(
                    "requestId={}: …and {} more like it ({}), not logged again: {}{}",
                    requestId,
                    more,
                    kind.first,
                    String.join(", ", places),
                    more > places.size() ? ", …" : "");
        }
    }
}
