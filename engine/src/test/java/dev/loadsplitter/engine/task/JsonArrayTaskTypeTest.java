package dev.loadsplitter.engine.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.message.EventJson;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The one-method task type: reading, validating, slicing and writing an event whose items are one JSON array. */
class JsonArrayTaskTypeTest {

    private final ObjectMapper json = EventJson.create();

    /** {"detail": {"items": [...]}}: each item a number, squared; a negative one fails. */
    static final class Squares extends JsonArrayTaskType {
        final List<Long> seen = new CopyOnWriteArrayList<>();

        Squares() {
            super("Squares", "detail", "items");
        }

        @Override
        public Object processItem(JsonNode item, WorkContext context) {
            seen.add(context.firstItem());
            if (item.asLong() < 0) {
                throw new IllegalArgumentException("negative: " + item.asLong());
            }
            return item.asLong() * item.asLong();
        }

        @Override
        protected Optional<String> validateItem(JsonNode item) {
            return item.isIntegralNumber()
                    ? Optional.empty()
                    : Optional.of("must be a whole number, got " + JsonKinds.describe(item));
        }

        @Override
        public ItemNoun itemNoun() {
            return new ItemNoun("number", "numbers");
        }
    }

    private final Squares squares = new Squares();

    private JsonItemList accepted(JsonArrayTaskType type, String event) throws Exception {
        Reading<JsonItemList> reading = type.read(json.readTree(event));
        assertThat(reading).isInstanceOf(Reading.Accepted.class);
        return ((Reading.Accepted<JsonItemList>) reading).task();
    }

    private Reading<JsonItemList> read(JsonArrayTaskType type, String event) throws Exception {
        return type.read(json.readTree(event));
    }

    @Test
    void anEventIsReadSlicedAndWrittenBackInItsOwnShape() throws Exception {
        JsonItemList task = accepted(squares, "{\"detail\":{\"items\":[1,2,3],\"kept\":true},\"id\":\"e-1\"}");

        JsonItemList second = squares.subTask(task, 1, 3);

        assertThat(squares.name()).isEqualTo("Squares");
        assertThat(squares.itemCount(task)).isEqualTo(3);
        assertThat(squares.itemCount(second)).isEqualTo(2);
        assertThat(json.writeValueAsString(squares.write(second)))
                .isEqualTo("{\"detail\":{\"items\":[2,3],\"kept\":true},\"id\":\"e-1\"}");
        assertThat(squares.toString()).isEqualTo("Squares (items at detail.items)");
    }

    @Test
    void anArrayPathThatIsMissingOrNotAnArrayIsInvalidAndNamesThePath() throws Exception {
        assertThat(read(squares, "{\"detail\":{}}")).isEqualTo(Reading.invalid("detail.items", "is missing"));
        assertThat(read(squares, "{\"detail\":{\"items\":\"1,2\"}}"))
                .isEqualTo(Reading.invalid("detail.items", "must be an array, got a string"));
        assertThat(read(squares, "{\"detail\":[1]}"))
                .isEqualTo(Reading.invalid("detail", "must be an object, got an array"));
        assertThat(read(squares, "[1,2]")).isEqualTo(Reading.invalid("(root)", "must be a JSON object, got an array"));
    }

    @Test
    void anEmptyArrayIsInvalidAndSaysWhatToSendInTheItemsOwnNoun() throws Exception {
        assertThat(read(squares, "{\"detail\":{\"items\":[]}}"))
                .isEqualTo(Reading.invalid("detail.items", "is empty: send at least one number"));
        assertThat(read(JsonArrayTaskType.of("Plain", "things", (item, context) -> null), "{\"things\":[]}"))
                .isEqualTo(Reading.invalid("things", "is empty: send at least one item"));
    }

    @Test
    void anItemValidateItemRefusesMakesTheEventInvalidNamingTheItem() throws Exception {
        assertThat(read(squares, "{\"detail\":{\"items\":[1,2,\"three\",4.5]}}"))
                .isEqualTo(Reading.invalid("detail.items[2]", "must be a whole number, got a string"));
    }

    @Test
    void byDefaultEveryItemIsAcceptedAndTheItemsAreCalledItems() throws Exception {
        JsonArrayTaskType plain = JsonArrayTaskType.of("Plain", "things", (item, context) -> null);

        assertThat(plain.itemCount(accepted(plain, "{\"things\":[1,\"two\",null,{}]}")))
                .isEqualTo(4);
        assertThat(plain.itemNoun()).isEqualTo(new ItemNoun("item", "items"));
    }

    @Test
    void processDoesEveryItemWithItsIndexThenThrowsTheFirstFailure() throws Exception {
        JsonItemList task = squares.subTask(accepted(squares, "{\"detail\":{\"items\":[5,6,-7,8,-9]}}"), 1, 5);

        assertThatThrownBy(() -> squares.process(task, new WorkContext("job", "2", "m-1").from(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("negative: -7");
        assertThat(squares.seen)
                .as("every item ran, each knowing its index in the event")
                .containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void theWorkCanBeALambdaInAClassOfItsOwnOrInAnInstance() throws Exception {
        final class Cubes extends JsonArrayTaskType.OfWork {
            Cubes() {
                super("Cubes", "numbers", (item, context) -> item.asLong() * item.asLong() * item.asLong());
            }
        }
        JsonArrayTaskType cubes = new Cubes();
        JsonArrayTaskType negatives = JsonArrayTaskType.of("Negatives", "numbers", (item, context) -> -item.asLong());
        JsonNode three = json.readTree("3");
        WorkContext context = new WorkContext("job", "", "req-1");

        assertThat(cubes.processItem(three, context)).isEqualTo(27L);
        assertThat(negatives.processItem(three, context)).isEqualTo(-3L);
        assertThat(negatives.name()).isEqualTo("Negatives");
        assertThat(accepted(cubes, "{\"numbers\":[1]}").size()).isEqualTo(1);
    }

    @Test
    void aNameAndAnArrayPathAreRequiredAndSaySo() {
        JsonArrayTaskType.ItemWork none = (item, context) -> null;

        assertThatThrownBy(() -> JsonArrayTaskType.of("NoPath", List.of(), none))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "The array path needs at least one field name, such as \"documents\" for {\"documents\": [...]}");
        assertThatThrownBy(() -> JsonArrayTaskType.of("EmptyField", List.of("detail", ""), none))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The array path's field names must not be null or empty, got [detail, ]");
        assertThatThrownBy(() -> JsonArrayTaskType.of(" ", "items", none))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("A task type's name must not be blank");
        assertThatThrownBy(() -> JsonArrayTaskType.of("NoWork", "items", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("work");
    }
}
