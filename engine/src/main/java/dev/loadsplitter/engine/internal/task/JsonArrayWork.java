package dev.loadsplitter.engine.internal.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.engine.task.JsonArrayTaskType;
import dev.loadsplitter.engine.task.JsonItemList;
import dev.loadsplitter.engine.task.WorkContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link JsonArrayTaskType}'s items done one by one: each item's {@code processItem} in a context
 * whose {@code firstItem} is that item's index in the original event, its exception failing that
 * item alone, its result written with the engine's mapper.
 */
public final class JsonArrayWork implements PerItemWork<JsonItemList> {

    private final JsonArrayTaskType type;
    private final ObjectMapper json = EventJson.shared();

    public JsonArrayWork(JsonArrayTaskType type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    /**
     * @throws InterruptedException when an item's work was interrupted: the invocation is being stopped,
     *     which is no failure of the item's, so the slice fails as a whole
     */
    @Override
    public List<Outcome> processEach(JsonItemList slice, WorkContext context) throws InterruptedException {
        List<Outcome> outcomes = new ArrayList<>(slice.size());
        for (int i = 0; i < slice.size(); i++) {
            outcomes.add(one(slice.items().get(i), context.from(context.firstItem() + i)));
        }
        return outcomes;
    }

    private Outcome one(JsonNode item, WorkContext context) throws InterruptedException {
        Object result;
        try {
            result = type.processItem(item, context);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            return new Outcome.Failed(e);
        }
        if (result == null || result instanceof JsonNode node && (node.isNull() || node.isMissingNode())) {
            return new Outcome.Ok(Optional.empty());
        }
        try {
            return new Outcome.Ok(Optional.of(json.writeValueAsString(result)));
        } catch (JsonProcessingException | RuntimeException e) {
            String why =
                    e instanceof JsonProcessingException processing ? processing.getOriginalMessage() : e.toString();
            return new Outcome.Failed(new IllegalArgumentException(
                    type.name() + ".processItem returned a "
                            + result.getClass().getName() + ", which the engine's JSON mapper cannot write (" + why
                            + "); return a record, a String, a number, a boolean, a List, a Map or a JsonNode",
                    e));
        }
    }
}
