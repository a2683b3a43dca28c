package dev.loadsplitter.engine.internal.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.engine.message.Lineage;
import dev.loadsplitter.engine.message.SubTask;
import dev.loadsplitter.engine.message.SubTaskAttribute;
import dev.loadsplitter.engine.task.JsonItemList;
import dev.loadsplitter.engine.task.Reading;
import dev.loadsplitter.engine.testing.OrderTaskType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SplitterTest {

    private final ObjectMapper json = EventJson.create();
    private final OrderTaskType type = new OrderTaskType();

    private JsonItemList order(int lines) throws Exception {
        Reading<JsonItemList> reading = type.read(json.readTree(OrderTaskType.orderJson("o-1", lines)));
        return ((Reading.Accepted<JsonItemList>) reading).task();
    }

    private List<SubTask> split(SplitPolicy policy, int lines) throws Exception {
        return new Splitter(policy, json).split(type, order(lines), Lineage.root("job-1"));
    }

    @Test
    void defaultPolicyMakesOneSubTaskPerItemNumberedFromOne() throws Exception {
        List<SubTask> subTasks = split(SplitPolicy.defaultPolicy(), 5);

        assertThat(subTasks).hasSize(5);
        assertThat(subTasks).extracting(s -> s.lineage().partId()).containsExactly("1", "2", "3", "4", "5");
        assertThat(subTasks).extracting(SubTask::partIndex).containsExactly(1, 2, 3, 4, 5);
        assertThat(subTasks).allSatisfy(s -> {
            assertThat(s.partCount()).isEqualTo(5);
            assertThat(s.itemCount()).isEqualTo(1);
            assertThat(s.lineage().depth()).isEqualTo(1);
            assertThat(s.lineage().jobId()).isEqualTo("job-1");
            assertThat(s.taskType()).isEqualTo("Order");
        });
    }

    @Test
    void subTaskBodyKeepsEveryOtherFieldAndDiffersOnlyInItsItems() throws Exception {
        List<SubTask> subTasks = split(SplitPolicy.defaultPolicy(), 3);

        JsonNode original = json.readTree(OrderTaskType.orderJson("o-1", 3));
        for (int i = 0; i < 3; i++) {
            JsonNode body = json.readTree(subTasks.get(i).body());
            assertThat(body.get("order").get("lines")).hasSize(1);
            assertThat(body.get("order").get("lines").get(0))
                    .isEqualTo(original.get("order").get("lines").get(i));
            ((com.fasterxml.jackson.databind.node.ObjectNode) body.get("order")).remove("lines");
            JsonNode expected = original.deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) expected.get("order")).remove("lines");
            assertThat(body).isEqualTo(expected);
        }
        // Exact decimals survive: 1.50 is not rewritten as 1.5.
        assertThat(subTasks.getFirst().body()).contains("\"qty\":1.50");
    }

    @Test
    void groupsUpToKItemsPerSubTask() throws Exception {
        List<SubTask> subTasks = split(new SplitPolicy(3, SplitPolicy.SQS_MAX_MESSAGE_BYTES, 8), 7);

        assertThat(subTasks).extracting(SubTask::itemCount).containsExactly(3, 3, 1);
        assertThat(subTasks).extracting(SubTask::partCount).containsOnly(3);
    }

    @Test
    void aSliceOverTheMessageLimitIsHalvedUntilItFits() throws Exception {
        // 40 lines in one sub-task would be about 1.3 KiB; the limit is 1 KiB.
        List<SubTask> subTasks = split(new SplitPolicy(40, 1_024, 8), 40);

        assertThat(subTasks.size()).isGreaterThan(1);
        assertThat(subTasks).allSatisfy(s -> assertThat(s.messageBytes()).isLessThanOrEqualTo(1_024));
        assertThat(subTasks.stream().mapToInt(SubTask::itemCount).sum()).isEqualTo(40);
        List<String> skus = new ArrayList<>();
        for (SubTask s : subTasks) {
            json.readTree(s.body())
                    .get("order")
                    .get("lines")
                    .forEach(line -> skus.add(line.get("sku").asText()));
        }
        assertThat(skus)
                .hasSize(40)
                .doesNotHaveDuplicates()
                .startsWith("sku-1", "sku-2")
                .endsWith("sku-40");
    }

    @Test
    void anItemThatCannotFitAloneIsRejectedNamingItsIndexAndTheLimit() throws Exception {
        String big = "x".repeat(2_000);
        JsonItemList task = ((Reading.Accepted<JsonItemList>)
                        type.read(json.readTree("{\"order\":{\"lines\":[{\"sku\":\"a\"},{\"sku\":\"" + big + "\"}]}}")))
                .task();

        assertThatThrownBy(() -> new Splitter(new SplitPolicy(1, 1_024, 8), json).split(type, task, Lineage.root("j")))
                .isInstanceOf(ItemTooLargeException.class)
                .hasMessageStartingWith("Order item 1 alone makes a ")
                .hasMessageContaining("over the 1024-byte message limit (MAX_MESSAGE_BYTES)");
    }

    @Test
    void refusesToSplitBeyondTheMaximumDepth() throws Exception {
        Lineage deep = new Lineage("job-9", "3.1", 2);

        assertThatThrownBy(() -> new Splitter(new SplitPolicy(1, SplitPolicy.SQS_MAX_MESSAGE_BYTES, 2), json)
                        .split(type, order(2), deep))
                .isInstanceOf(SplitException.class)
                .hasMessage("Refusing to split Order job job-9 part '3.1': its parts would be 3 hops from the original "
                        + "event and MAX_SPLIT_DEPTH is 2 (splits, rests of splits and remainders each add a hop; "
                        + "Lambda stops recursive loops at about 16). Raise MAX_SPLIT_DEPTH (at most 15), "
                        + "MAX_ITEMS_PER_TASK or FAN_OUT_LIMIT.");
    }

    @Test
    void aSubTaskOfASubTaskExtendsItsPartPath() throws Exception {
        List<SubTask> subTasks =
                new Splitter(SplitPolicy.defaultPolicy(), json).split(type, order(2), new Lineage("job-2", "4", 1));

        assertThat(subTasks).extracting(s -> s.lineage().partId()).containsExactly("4.1", "4.2");
        assertThat(subTasks).extracting(s -> s.lineage().depth()).containsOnly(2);
    }

    @Test
    void aTaskNeedingMoreSubTasksThanTheFanOutLimitIsSplitIntoThatManyLargeOnes() throws Exception {
        List<SubTask> subTasks = split(new SplitPolicy(1, SplitPolicy.SQS_MAX_MESSAGE_BYTES, 8, 10), 95);

        assertThat(subTasks).hasSize(10);
        assertThat(subTasks).extracting(SubTask::itemCount).containsExactly(10, 10, 10, 10, 10, 10, 10, 10, 10, 5);
        assertThat(subTasks).allSatisfy(s -> assertThat(s.lineage().depth()).isEqualTo(1));
    }

    @Test
    void levelsOfFanOutMultiplyUntilEveryLeafHoldsKItems() throws Exception {
        SplitPolicy policy = new SplitPolicy(1, SplitPolicy.SQS_MAX_MESSAGE_BYTES, 8, 10);
        Splitter splitter = new Splitter(policy, json);
        List<SubTask> level = splitter.split(type, order(250), Lineage.root("job-h"));
        int depth = 1;
        while (level.stream().anyMatch(s -> policy.isLarge(s.itemCount()))) {
            List<SubTask> next = new ArrayList<>();
            for (SubTask parent : level) {
                JsonItemList task = ((Reading.Accepted<JsonItemList>) type.read(json.readTree(parent.body()))).task();
                next.addAll(
                        policy.isLarge(parent.itemCount())
                                ? splitter.split(type, task, parent.lineage())
                                : List.of(parent));
            }
            level = next;
            depth++;
        }

        assertThat(depth).isEqualTo(3); // 250 -> 100, 100, 50 -> 10 x 10 (5 x 10 for the last) -> 1
        assertThat(level).hasSize(250).allSatisfy(s -> assertThat(s.itemCount()).isEqualTo(1));
        assertThat(level)
                .extracting(s -> s.lineage().partId())
                .doesNotHaveDuplicates()
                .contains("1.1.1", "2.10.10", "3.5.10")
                .doesNotContain("3.6.1");
        List<String> skus = new ArrayList<>();
        for (SubTask leaf : level) {
            skus.add(json.readTree(leaf.body())
                    .get("order")
                    .get("lines")
                    .get(0)
                    .get("sku")
                    .asText());
        }
        assertThat(skus).hasSize(250).doesNotHaveDuplicates();
    }

    @Test
    void beyondTheFanOutLimitASplitMakesAsFewPartsAsKeepTheTreeAtItsLeastDepth() {
        // 2,000 one-item leaves, fan-out 1,000: two parts of 1,000 (three splits), not 1,000 parts of 2 (1,001).
        assertThat(SplitPolicy.itemsPerSubTask(2_000, 1, 1_000)).isEqualTo(1_000);
        assertThat(SplitPolicy.itemsPerSubTask(1_000, 1, 1_000)).isEqualTo(1);
        assertThat(SplitPolicy.itemsPerSubTask(1_000_000, 1, 1_000)).isEqualTo(1_000);
        assertThat(SplitPolicy.itemsPerSubTask(1_000_001, 1, 1_000)).isEqualTo(1_000_000);
        assertThat(SplitPolicy.itemsPerSubTask(95, 5, 10)).isEqualTo(50);
        assertThat(new SplitPolicy(1, SplitPolicy.SQS_MAX_MESSAGE_BYTES, 8, 1_000).levelsBelow(2_000))
                .isEqualTo(2);
    }

    @Test
    void policyRejectsValuesOutsideItsLimitsWithTheLimitInTheMessage() {
        assertThatThrownBy(() -> new SplitPolicy(0, 1_024, 8))
                .hasMessage("maxItemsPerTask must be from 1 to 1000000, got 0");
        assertThatThrownBy(() -> new SplitPolicy(1, 2_000_000, 8))
                .hasMessage("maxMessageBytes must be from 1024 to 1048576 (the SQS limit), got 2000000");
        assertThatThrownBy(() -> new SplitPolicy(1, 1_024, 16))
                .hasMessage("maxSplitDepth must be from 1 to 15 (Lambda stops recursive loops at 16 hops), got 16");
        assertThatThrownBy(() -> new SplitPolicy(1, 1_024, 8, 1))
                .hasMessage("fanOutLimit must be from 2 to 1000000, got 1");
    }

    @Test
    void attributesCountTowardsTheMessageSize() throws Exception {
        SubTask subTask = split(SplitPolicy.defaultPolicy(), 1 + 1).getFirst();
        int bodyBytes = subTask.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;

        // jobId(5+6+5) partId(6+6+1) partCount(9+6+1) splitDepth(10+6+1) hops(4+6+1)
        // firstItem(9+6+1) itemCount(9+6+1) taskType(8+6+5)
        assertThat(subTask.messageBytes() - bodyBytes).isEqualTo(16 + 13 + 16 + 17 + 11 + 16 + 16 + 19);
    }

    @Test
    void theLevelsBelowATaskCountEverySplitDownToTheSubTasksThatProcess() {
        SplitPolicy policy = new SplitPolicy(1, 1_024, 8, 1_000);

        assertThat(policy.levelsBelow(1)).isZero();
        assertThat(policy.levelsBelow(1_000)).isEqualTo(1);
        // 2,000 items: 1,000 parts of 2, each split into 2 of 1.
        assertThat(policy.levelsBelow(2_000)).isEqualTo(2);
        assertThat(new SplitPolicy(10, 1_024, 8, 10).levelsBelow(1_001)).isEqualTo(3);
    }

    @Test
    void theRestOfASplitCarriesFewEnoughAttributesThatItsParkedCopyStillFitsSqsLimit() {
        SubTask rest = new SubTask(
                "{}",
                new dev.loadsplitter.engine.message.Lineage("job-1", "3~101", 2, 4, 1_000),
                1,
                1,
                50,
                "Order",
                java.util.Optional.of(new SubTask.Continuation(101, 10)));
        long carried = java.util.Arrays.stream(SubTaskAttribute.values())
                .filter(attribute -> !attribute.valueOf(rest).isEmpty())
                .count();

        assertThat(carried).isEqualTo(SubTaskAttribute.values().length);
        // The parked copy adds the dead-lettered message's id.
        assertThat(carried + 1).isLessThanOrEqualTo(SubTaskAttribute.SQS_MAX_ATTRIBUTES);
    }
}
