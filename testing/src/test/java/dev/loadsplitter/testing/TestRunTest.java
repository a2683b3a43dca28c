package dev.loadsplitter.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadsplitter.engine.message.CloseReason;
import dev.loadsplitter.engine.message.ItemResult;
import dev.loadsplitter.engine.message.JobStatus;
import dev.loadsplitter.engine.task.ItemNoun;
import dev.loadsplitter.engine.task.JsonArrayTaskType;
import dev.loadsplitter.engine.task.JsonItemList;
import dev.loadsplitter.engine.task.Reading;
import dev.loadsplitter.engine.task.TaskType;
import dev.loadsplitter.engine.task.WorkContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The test kit: a task type through the whole pattern in memory, with its job record and results. */
class TestRunTest {

    /** {"numbers": [...]}: each squared, a negative one failing; how often each index ran is counted. */
    static final class Squares extends JsonArrayTaskType {
        final Map<Long, Integer> runs = new ConcurrentHashMap<>();

        Squares() {
            super("Squares", "numbers");
        }

        @Override
        public Object processItem(JsonNode item, WorkContext context) {
            runs.merge(context.firstItem(), 1, Integer::sum);
            if (item.asLong() < 0) {
                throw new IllegalArgumentException("negative: " + item.asLong());
            }
            return item.asLong() * item.asLong();
        }

        @Override
        protected Optional<String> validateItem(JsonNode item) {
            return item.isIntegralNumber() ? Optional.empty() : Optional.of("must be a whole number");
        }
    }

    /** {"numbers": [0, 1, …]} of {@code count} numbers, those at {@code negative} indexes negated. */
    private static String numbers(int count, int... negative) {
        List<Long> values = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            values.add(i);
        }
        for (int index : negative) {
            values.set(index, -values.get(index) - 1);
        }
        return "{\"numbers\":" + values + "}";
    }

    private static List<String> squares(int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> "{\"index\":" + i + ",\"result\":" + (long) i * i + "}")
                .toList();
    }

    /** Indexes 5, 25, …, 185: ten of 200. */
    private static final int[] TEN_NEGATIVES =
            IntStream.range(0, 10).map(i -> 5 + 20 * i).toArray();

    @Test
    void fiftyNumbersGiveFiftyResultsInOrder() {
        TestRun.Result run = TestRun.of(new Squares()).run(numbers(50));

        assertThat(run.job().status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(run.job().processed()).isEqualTo(50);
        assertThat(run.lines()).containsExactlyElementsOf(squares(50));
        assertThat(run.invocations())
                .as("one split and one invocation per sub-task")
                .isEqualTo(51);
        assertThat(run.completionEvents())
                .singleElement()
                .satisfies(event -> assertThat(event.status()).isEqualTo(JobStatus.COMPLETED));
    }

    @Test
    void aFailingItemIsDeadLetteredAfterTheLastReceiveAndOnlyTheFailedItemsRanAgain() {
        Squares squares = new Squares();

        TestRun.Result run =
                TestRun.of(squares).maxItemsPerTask(10).maxReceiveCount(3).run(numbers(200, TEN_NEGATIVES));

        assertThat(run.job().status()).isEqualTo(JobStatus.COMPLETED_WITH_FAILURES);
        assertThat(run.job().processed()).isEqualTo(190);
        assertThat(run.job().deadLettered()).isEqualTo(10);
        assertThat(run.results()).hasSize(200);
        assertThat(run.results().get(25))
                .isEqualTo(new ItemResult.Failed(25, "java.lang.IllegalArgumentException", "negative: -26"));
        assertThat(run.lines().get(24)).isEqualTo("{\"index\":24,\"result\":576}");
        for (long index = 0; index < 200; index++) {
            boolean negative = (index - 5) % 20 == 0;
            assertThat(squares.runs.get(index)).as("runs of item " + index).isEqualTo(negative ? 3 : 1);
        }
    }

    @Test
    void aLargeEventIsSplitHierarchicallyAndEveryItemIsDoneOnce() {
        Squares squares = new Squares();

        TestRun.Result run = TestRun.of(squares)
                .maxItemsPerTask(5)
                .fanOutLimit(10)
                .batchSize(4)
                .run(numbers(2_000));

        assertThat(run.job().status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(run.lines()).containsExactlyElementsOf(squares(2_000));
        assertThat(squares.runs)
                .hasSize(2_000)
                .allSatisfy((index, runs) -> assertThat(runs).isOne());
    }

    @Test
    void crashesAndDuplicateDeliveriesChangeNeitherTheCountsNorTheResults() {
        TestRun.Result run = TestRun.of(new Squares())
                .maxItemsPerTask(3)
                .crashRate(0.2)
                .duplicateDeliveryRate(0.3)
                .failureRate(0.1)
                .awsFaultRate(0.02)
                .maxReceiveCount(10)
                .seed(7)
                .run(numbers(60));

        assertThat(run.job().status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(run.lines()).containsExactlyElementsOf(squares(60));
        assertThat(run.invocations())
                .as("crashed and duplicated work ran again")
                .isGreaterThan(21);
        assertThat(run.completionEvents()).isNotEmpty();
    }

    @Test
    void theSameSeedGivesTheSameRunAndAnotherSeedAnotherSchedule() {
        TestRun faulty =
                TestRun.of(new Squares()).maxItemsPerTask(2).crashRate(0.3).duplicateDeliveryRate(0.3);
        String event = numbers(40, 3, 17);

        TestRun.Result first = faulty.seed(11).run(event);
        TestRun.Result again = faulty.seed(11).run(event);
        List<Long> others = IntStream.range(12, 16)
                .mapToObj(seed -> faulty.seed(seed).run(event).invocations())
                .toList();

        assertThat(again.invocations()).isEqualTo(first.invocations());
        assertThat(again.job().failedAttempts()).isEqualTo(first.job().failedAttempts());
        assertThat(again.lines()).isEqualTo(first.lines());
        assertThat(others).as("other seeds").anyMatch(invocations -> invocations != first.invocations());
    }

    @Test
    void pastItsToleranceAJobStopsFailedAndSkipsWhatDidNotStart() {
        TestRun.Result run = TestRun.of(new Squares())
                .toleratedFailureCount(0)
                .maxReceiveCount(1)
                .concurrency(2)
                .run(numbers(200, TEN_NEGATIVES));

        assertThat(run.job().status()).isEqualTo(JobStatus.FAILED);
        assertThat(run.job().reason()).contains(CloseReason.TOLERANCE_EXCEEDED);
        assertThat(run.job().skipped()).isPositive();
        assertThat(run.job().processed() + run.job().deadLettered() + run.job().skipped())
                .isEqualTo(200);
        assertThat(run.results()).hasSize(200);
        assertThat(run.results())
                .filteredOn(ItemResult.Skipped.class::isInstance)
                .hasSize((int) run.job().skipped());
    }

    @Test
    void theWorkSeesTheTimeLeftOfItsSimulatedInvocation() {
        List<Duration> left = new java.util.concurrent.CopyOnWriteArrayList<>();
        JsonArrayTaskType timed = JsonArrayTaskType.of("Timed", "numbers", (item, context) -> {
            left.add(context.timeLeft());
            return null;
        });

        TestRun.Result run = TestRun.of(timed).run(numbers(3));

        assertThat(run.lines())
                .containsExactly(
                        "{\"index\":0,\"result\":null}",
                        "{\"index\":1,\"result\":null}",
                        "{\"index\":2,\"result\":null}");
        assertThat(left)
                .hasSize(3)
                .allSatisfy(duration -> assertThat(duration).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(5)));
    }

    @Test
    void aTaskTypeOfAnyShapeRunsTooItsItemsWithoutResults() {
        TestRun.Result run = TestRun.of(new WholeSlices()).maxItemsPerTask(2).run("{\"lines\":[\"a\",\"b\",\"c\"]}");

        assertThat(run.job().status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(run.lines())
                .containsExactly(
                        "{\"index\":0,\"result\":null}",
                        "{\"index\":1,\"result\":null}",
                        "{\"index\":2,\"result\":null}");
    }

    @Test
    void anEventTheTaskTypeRefusesStartsNoJobAndSaysWhy() {
        TestRun squares = TestRun.of(new Squares());

        assertThatThrownBy(() -> squares.run("{\"numbers\":[1,2.5]}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The event is invalid for task type Squares: numbers[1] must be a whole number");
        assertThatThrownBy(() -> squares.run("{\"numbers\":"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("The event is not JSON: ");
        assertThatThrownBy(() -> TestRun.of(new WholeSlices()).run("{\"lines\":[],\"ignore\":true}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Task type Lines ignores the event (it says to): no job starts");
    }

    @Test
    void settingsOutOfRangeAreRefusedNamingTheSetting() {
        TestRun run = TestRun.of(new Squares());

        assertThatThrownBy(() -> run.crashRate(1.5))
                .hasMessage("crashRate is a share of attempts from 0 to 1, got 1.5");
        assertThatThrownBy(() -> run.duplicateDeliveryRate(-0.1))
                .hasMessage("duplicateDeliveryRate is a share of attempts from 0 to 1, got -0.1");
        assertThatThrownBy(() -> run.maxReceiveCount(0)).hasMessage("maxReceiveCount must be at least 1, got 0");
        assertThatThrownBy(() -> run.concurrency(0)).hasMessage("concurrency must be at least 1, got 0");
        assertThatThrownBy(() -> run.toleratedFailureCount(-1))
                .hasMessage("toleratedFailureCount must be 0 or more, got -1");
        assertThatThrownBy(() -> run.toleratedFailurePercentage(101))
                .hasMessage("toleratedFailurePercentage must be from 0 to 100, got 101.0");
        assertThatThrownBy(() -> run.maxItemsPerTask(0)).hasMessageContaining("maxItemsPerTask");
    }

    /** A task type written against TaskType itself: its slices succeed or fail as a whole, and give no results. */
    static final class WholeSlices implements TaskType<JsonItemList> {
        @Override
        public String name() {
            return "Lines";
        }

        @Override
        public ItemNoun itemNoun() {
            return new ItemNoun("line", "lines");
        }

        @Override
        public Reading<JsonItemList> read(JsonNode event) {
            if (event.path("ignore").asBoolean()) {
                return Reading.ignored("it says to");
            }
            return JsonItemList.locate(event, List.of("lines"));
        }

        @Override
        public int itemCount(JsonItemList task) {
            return task.size();
        }

        @Override
        public JsonItemList subTask(JsonItemList task, int fromIndex, int toIndex) {
            return task.slice(fromIndex, toIndex);
        }

        @Override
        public JsonNode write(JsonItemList task) {
            return task.root();
        }

        @Override
        public void process(JsonItemList task, WorkContext context) {}
    }
}
