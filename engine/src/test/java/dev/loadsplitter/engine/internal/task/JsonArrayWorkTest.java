package dev.loadsplitter.engine.internal.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.internal.task.PerItemWork.Outcome;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.engine.task.JsonArrayTaskType;
import dev.loadsplitter.engine.task.JsonItemList;
import dev.loadsplitter.engine.task.Reading;
import dev.loadsplitter.engine.task.WorkContext;
import dev.loadsplitter.engine.testing.OrderTaskType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A JsonArrayTaskType's items as the engine runs them: one outcome each, a result as JSON, a failure its own. */
class JsonArrayWorkTest {

    private final ObjectMapper json = EventJson.create();

    /** What each item of {"things": [...]} turns into, by its text. */
    private static Object resultOf(JsonNode item) throws Exception {
        return switch (item.asText()) {
            case "record" -> new Found("a", 2);
            case "map" -> Map.of("k", List.of(1, 2));
            case "node" -> EventJson.shared().readTree("{\"x\":[true]}");
            case "null" -> null;
            case "nullNode" -> EventJson.shared().nullNode();
            case "text" -> "plain";
            case "instant" -> Instant.parse("2026-12-03T00:00:00Z");
            case "opaque" -> new Object();
            case "fail" -> throw new java.io.IOException("no answer from " + item.asText());
            case "interrupt" -> throw new InterruptedException("stopping");
            default -> item.asLong();
        };
    }

    record Found(String name, int count) {}

    private final JsonArrayTaskType things =
            JsonArrayTaskType.of("Things", "things", (item, context) -> resultOf(item));

    private JsonItemList task(String event) throws Exception {
        return ((Reading.Accepted<JsonItemList>) things.read(json.readTree(event))).task();
    }

    private List<Outcome> outcomes(String... items) throws Exception {
        StringBuilder event = new StringBuilder("{\"things\":[");
        for (int i = 0; i < items.length; i++) {
            event.append(i == 0 ? "" : ",").append('"').append(items[i]).append('"');
        }
        JsonItemList task = task(event.append("]}").toString());
        return PerItemWork.of(things).orElseThrow().processEach(task, new WorkContext("job", "1", "m-1"));
    }

    @Test
    void eachItemGivesItsResultAsJsonOrNoneForNull() throws Exception {
        assertThat(outcomes("record", "map", "node", "text", "7", "null", "nullNode"))
                .containsExactly(
                        new Outcome.Ok(Optional.of("{\"name\":\"a\",\"count\":2}")),
                        new Outcome.Ok(Optional.of("{\"k\":[1,2]}")),
                        new Outcome.Ok(Optional.of("{\"x\":[true]}")),
                        new Outcome.Ok(Optional.of("\"plain\"")),
                        new Outcome.Ok(Optional.of("7")),
                        new Outcome.Ok(Optional.empty()),
                        new Outcome.Ok(Optional.empty()));
    }

    @Test
    void anItemThatThrowsFailsAloneWithItsOwnException() throws Exception {
        List<Outcome> outcomes = outcomes("1", "fail", "3");

        assertThat(outcomes.get(0)).isEqualTo(new Outcome.Ok(Optional.of("1")));
        assertThat(outcomes.get(1))
                .isInstanceOfSatisfying(
                        Outcome.Failed.class,
                        failed -> assertThat(failed.error())
                                .isInstanceOf(java.io.IOException.class)
                                .hasMessage("no answer from fail"));
        assertThat(outcomes.get(2)).isEqualTo(new Outcome.Ok(Optional.of("3")));
    }

    @Test
    void aResultTheMapperCannotWriteFailsItsItemNamingItsType() throws Exception {
        List<Outcome> outcomes = outcomes("instant", "opaque", "2");

        assertThat(outcomes.get(0))
                .isInstanceOfSatisfying(
                        Outcome.Failed.class,
                        failed -> assertThat(failed.error())
                                .isInstanceOf(IllegalArgumentException.class)
                                .hasMessageStartingWith(
                                        "Things.processItem returned a java.time.Instant, which the engine's "
                                                + "JSON mapper cannot write (")
                                .hasMessageEndingWith(
                                        "); return a record, a String, a number, a boolean, a List, a Map or a JsonNode"));
        assertThat(outcomes.get(1))
                .isInstanceOfSatisfying(
                        Outcome.Failed.class,
                        failed -> assertThat(failed.error())
                                .hasMessageStartingWith("Things.processItem returned a java.lang.Object, which"));
        assertThat(outcomes.get(2)).isEqualTo(new Outcome.Ok(Optional.of("2")));
    }

    @Test
    void anInterruptIsNoItemsFailureButStopsTheSlice() {
        assertThatThrownBy(() -> outcomes("1", "interrupt", "3")).isInstanceOf(InterruptedException.class);
    }

    @Test
    void eachItemsContextNamesItsIndexInTheOriginalEvent() throws Exception {
        List<Long> indexes = new java.util.concurrent.CopyOnWriteArrayList<>();
        JsonArrayTaskType recording = JsonArrayTaskType.of("Recording", "things", (item, context) -> {
            indexes.add(context.firstItem());
            return null;
        });
        JsonItemList task =
                ((Reading.Accepted<JsonItemList>) recording.read(json.readTree("{\"things\":[1,2,3]}"))).task();

        PerItemWork.of(recording).orElseThrow().processEach(task, new WorkContext("job", "4", "m-1").from(40));

        assertThat(indexes).containsExactly(40L, 41L, 42L);
    }

    @Test
    void onlyTaskTypesThatWorkItemByItemHavePerItemWork() {
        assertThat(PerItemWork.of(things)).containsInstanceOf(JsonArrayWork.class);
        assertThat(PerItemWork.of(new OrderTaskType())).isEmpty();
    }
}
