package dev.loadsplitter.engine.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadsplitter.engine.internal.task.JsonArrayWork;
import dev.loadsplitter.engine.internal.task.PerItemWork;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The task type of an event whose items are one JSON array, in one method: {@link #processItem}
 * does one item and returns its result. Reading the event, counting, slicing and writing sub-tasks
 * back in the event's shape come with the class.
 *
 * <pre>{@code
 * public final class Squares extends JsonArrayTaskType {
 *
 *     public Squares() {
 *         super("Squares", "numbers"); // {"numbers": [0, 1, 2, …]}
 *     }
 *
 *     @Override
 *     public Object processItem(JsonNode item, WorkContext context) {
 *         if (item.asLong() < 0) {
 *             throw new IllegalArgumentException("negative: " + item.asLong());
 *         }
 *         return item.asLong() * item.asLong();
 *     }
 * }
 * }</pre>
 *
 * <p>Each item is on its own: when {@code processItem} throws, that item fails and the others of
 * its sub-task still count; only the failed items run again on the next delivery, and after the
 * queue's last receive they are dead-lettered with their error, which the job's results show. A
 * result is anything the engine's Jackson mapper can write (a record, a {@code String}, a number, a
 * {@code List}, a {@code Map}, a {@link JsonNode}), or {@code null} for none; it is kept beside the
 * item's mark in the job's ledger, up to {@code ItemResult.MAX_BYTES} of JSON. A result the mapper
 * cannot write (a {@code java.time} type, an object with no properties) fails its item, naming its
 * class.
 *
 * <p>Two things may be overridden: {@link #validateItem}, to refuse an event whose item is wrong,
 * and {@link #itemNoun}, for answers and logs ("handled 5 documents"). An event that has no array
 * at the path, or an empty one, is refused by {@link #read} naming the field.
 *
 * <p>The work as a lambda: extend {@link OfWork}, whose constructor takes it, or, where no class is
 * needed (a test), call {@link #of}. The generic handler finds the class through
 * {@code META-INF/services/dev.loadsplitter.engine.task.TaskType} or {@code TASK_TYPE}; it needs a
 * public no-argument constructor, or a public one taking the function's environment
 * ({@code Map<String, String>}).
 */
public abstract class JsonArrayTaskType implements TaskType<JsonItemList> {

    private static final ItemNoun ITEMS = new ItemNoun("item", "items");

    /** One item's work, for a task type given as a lambda. */
    @FunctionalInterface
    public interface ItemWork {

        /**
         * Does one item.
         *
         * @return the item's result, written as JSON with the engine's mapper; {@code null} for none
         * @throws Exception to fail this item alone
         */
        Object process(JsonNode item, WorkContext context) throws Exception;
    }

    private final String name;
    private final List<String> arrayPath;
    private final String field;

    /**
     * @param name a short name for logs and message attributes, for example {@code Documents}
     * @param arrayPath the field names from the event's root down to the item array: {@code "documents"}, or
     *     {@code "detail", "items"} for {@code {"detail": {"items": […]}}}
     */
    protected JsonArrayTaskType(String name, String... arrayPath) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arrayPath, "arrayPath");
        if (name.isBlank()) {
            throw new IllegalArgumentException("A task type's name must not be blank");
        }
        if (arrayPath.length == 0) {
            throw new IllegalArgumentException(
                    "The array path needs at least one field name, such as \"documents\" for {\"documents\": [...]}");
        }
        for (String part : arrayPath) {
            if (part == null || part.isEmpty()) {
                throw new IllegalArgumentException(
                        "The array path's field names must not be null or empty, got " + Arrays.toString(arrayPath));
            }
        }
        this.name = name;
        this.arrayPath = List.of(arrayPath);
        this.field = String.join(".", arrayPath);
    }

    /**
     * Does one item: call an API, resize an image, fetch a URL.
     *
     * @param item the item, as it is in the event's array
     * @param context where it came from; {@code context.firstItem()} is the item's index in the original
     *     event, {@code context.timeLeft()} the time before the invocation must stop
     * @return the item's result: anything the engine's Jackson mapper can write, or {@code null} for none
     * @throws Exception to fail this item alone: it runs again on the next delivery of its sub-task
     */
    public abstract Object processItem(JsonNode item, WorkContext context) throws Exception;

    /**
     * What is wrong with one item of a new event, if anything: the event is then refused as
     * {@code Reading.invalid("documents[3]", problem)}, so a bad item is reported before any work
     * starts rather than failing on every delivery. By default every item is accepted.
     *
     * @return the problem, worded to follow the item's field, such as "must be a string, got a number"
     */
    protected Optional<String> validateItem(JsonNode item) {
        return Optional.empty();
    }

    /** How the items are named in answers and logs; "item" and "items" unless overridden. */
    @Override
    public ItemNoun itemNoun() {
        return ITEMS;
    }

    @Override
    public final String name() {
        return name;
    }

    /**
     * The event as a task: its array at the path, every item accepted by {@link #validateItem};
     * otherwise {@link Reading.Invalid} naming the field (the path, or {@code path[i]}).
     */
    @Override
    public final Reading<JsonItemList> read(JsonNode event) {
        Reading<JsonItemList> located = JsonItemList.locate(event, arrayPath);
        if (!(located instanceof Reading.Accepted<JsonItemList>(JsonItemList task))) {
            return located;
        }
        if (task.size() == 0) {
            return Reading.invalid(
                    field, "is empty: send at least one " + itemNoun().singular());
        }
        for (int i = 0; i < task.size(); i++) {
            Optional<String> problem = validateItem(task.items().get(i));
            if (problem.isPresent()) {
                return Reading.invalid(field + "[" + i + "]", problem.get());
            }
        }
        return located;
    }

    @Override
    public final int itemCount(JsonItemList task) {
        return task.size();
    }

    @Override
    public final JsonItemList subTask(JsonItemList task, int fromIndex, int toIndex) {
        return task.slice(fromIndex, toIndex);
    }

    @Override
    public final JsonNode write(JsonItemList task) {
        return task.root();
    }

    /**
     * Does every item of {@code task} with {@link #processItem}, then throws the first item's failure,
     * if any. The engine does not call it: it runs the items one by one and keeps each one's outcome;
     * this is for callers that know only {@link TaskType}.
     */
    @Override
    public final void process(JsonItemList task, WorkContext context) throws Exception {
        for (PerItemWork.Outcome outcome : new JsonArrayWork(this).processEach(task, context)) {
            if (outcome instanceof PerItemWork.Outcome.Failed failed) {
                throw failed.error();
            }
        }
    }

    /**
     * A task type from a name, the array's field and its work, for where no class of its own is
     * needed (a test); the generic handler needs a class: extend {@link OfWork}.
     */
    public static JsonArrayTaskType of(String name, String arrayField, ItemWork work) {
        return new OfWork(name, arrayField, work);
    }

    /** The same, for an array further down: {@code List.of("detail", "items")}. */
    public static JsonArrayTaskType of(String name, List<String> arrayPath, ItemWork work) {
        return new OfWork(name, arrayPath, work);
    }

    /**
     * A {@link JsonArrayTaskType} whose work is given as an {@link ItemWork}, for a class that prefers
     * a lambda to overriding {@link #processItem}:
     *
     * <pre>{@code
     * public final class Squares extends JsonArrayTaskType.OfWork {
     *     public Squares() {
     *         super("Squares", "numbers", (item, context) -> item.asLong() * item.asLong());
     *     }
     * }
     * }</pre>
     */
    public static class OfWork extends JsonArrayTaskType {

        private final ItemWork work;

        protected OfWork(String name, String arrayField, ItemWork work) {
            super(name, arrayField);
            this.work = Objects.requireNonNull(work, "work");
        }

        protected OfWork(String name, List<String> arrayPath, ItemWork work) {
            super(name, Objects.requireNonNull(arrayPath, "arrayPath").toArray(String[]::new));
            this.work = Objects.requireNonNull(work, "work");
        }

        @Override
        public final Object processItem(JsonNode item, WorkContext context) throws Exception {
            return work.process(item, context);
        }
    }

    @Override
    public String toString() {
        return name + " (items at " + field + ")";
    }
}
