package dev.loadsplitter.engine.internal.handler;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.Invocation;
import dev.loadsplitter.engine.LoadSplitter;
import dev.loadsplitter.engine.internal.queue.SubTaskEnvelope;
import dev.loadsplitter.engine.message.DirectResponse;
import dev.loadsplitter.engine.message.EventJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an invocation's JSON and hands it to the SQS-batch, the invoked-sub-task, the sweep or the
 * direct-event handler by its shape.
 */
public final class EventRouter<T> implements LoadSplitter {

    private static final Logger log = LoggerFactory.getLogger(EventRouter.class);

    private final ObjectMapper json;
    private final DirectEventHandler<T> direct;
    private final SqsBatchHandler<T> batches;
    private final InvokedSubTaskHandler<T> invoked;
    private final SweepHandler sweep;
    private final Runnable resources;

    public EventRouter(EngineParts<T> parts) {
        TaskRunner<T> runner = new TaskRunner<>(parts.type(), parts.splitter(), parts.sender(), parts.clock());
        this.json = parts.json();
        this.direct = new DirectEventHandler<>(parts, runner);
        this.batches = new SqsBatchHandler<>(parts, runner);
        this.invoked = new InvokedSubTaskHandler<>(parts, runner);
        this.sweep = new SweepHandler(parts);
        this.resources = parts.resources();
    }

    @Override
    public byte[] handle(byte[] input, Invocation invocation) throws IOException {
        JsonNode event;
        try {
            event = json.readTree(input);
        } catch (JacksonException e) {
            log.warn(
                    "requestId={}: invalid event argument: {}",
                    invocation.requestId(),
                    EventJson.describe("the payload", e));
            return json.writeValueAsBytes(DirectResponse.invalid().toJson());
        }
        if (log.isDebugEnabled()) {
            log.debug("requestId={}: event {}", invocation.requestId(), new String(input, StandardCharsets.UTF_8));
        }
        if (SqsBatchHandler.isSqsBatch(event)) {
            return json.writeValueAsBytes(
                    batches.handle(event.get("Records"), invocation).toJson());
        }
        if (SweepHandler.isSweep(event)) {
            return json.writeValueAsBytes(sweep.handle(invocation));
        }
        if (SubTaskEnvelope.isEnvelope(event)) {
            return json.writeValueAsBytes(invoked.handle(event, invocation).toJson());
        }
        return json.writeValueAsBytes(direct.handle(event, invocation).toJson());
    }

    @Override
    public void close() {
        resources.run();
    }
}
