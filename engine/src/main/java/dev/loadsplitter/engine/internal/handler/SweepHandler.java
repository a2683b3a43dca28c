package dev.loadsplitter.engine.internal.handler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadsplitter.engine.Invocation;
import dev.loadsplitter.engine.internal.jobs.JobCompletion;
import dev.loadsplitter.engine.internal.ledger.Closing;
import dev.loadsplitter.engine.internal.ledger.JobLedger;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger's safety net, run on a schedule ({@code {"loadSplitterSweep": {}}}, which the
 * deployment's schedule rule sends, and the local runtime's timer): closes every job whose items are
 * all accounted for but that nobody closed (its closer died between the last count and the close),
 * times out jobs open past their deadline, and publishes completion events nobody published.
 */
final class SweepHandler {

    private static final Logger log = LoggerFactory.getLogger(SweepHandler.class);
    /** The key of the event the schedule sends. */
    static final String KEY = "loadSplitterSweep";

    private final JobLedger ledger;
    private final JobCompletion completion;

    SweepHandler(EngineParts<?> parts) {
        this.ledger = parts.ledger();
        this.completion = parts.completion();
    }

    static boolean isSweep(JsonNode event) {
        return event != null && event.isObject() && event.size() == 1 && event.has(KEY);
    }

    /** Sweeps, and answers how many events it published. */
    ObjectNode handle(Invocation invocation) {
        List<Closing.Publish> events = ledger.sweep(invocation.requestId(), invocation.remainingTime());
        int published = 0;
        for (Closing.Publish event : events) {
            try {
                completion.publish(event.job(), invocation.requestId());
                published++;
            } catch (RuntimeException e) {
                log.warn(
                        "requestId={}, job={}: the sweep could not publish the completion event; the next sweep "
                                + "tries again",
                        invocation.requestId(),
                        event.job().jobId(),
                        e);
            }
        }
        if (!events.isEmpty()) {
            log.info(
                    "requestId={}: sweep published {} of {} completion events",
                    invocation.requestId(),
                    published,
                    events.size());
        }
        return JsonNodeFactory.instance.objectNode().put("swept", true).put("published", published);
    }
}
