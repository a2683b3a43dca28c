package dev.loadsplitter.engine.internal.split;

import dev.loadsplitter.engine.config.SplitPolicy;
import dev.loadsplitter.engine.message.Lineage;
import dev.loadsplitter.engine.message.SubTask;
import dev.loadsplitter.engine.message.SubTaskAttribute;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.task.TaskType;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Cuts a large task into sub-tasks of at most {@link SplitPolicy#maxItemsPerTask()} items, each
 * small enough for one SQS message. When that would make more than the fan-out limit, it makes
 * that many larger sub-tasks instead, which are split again by whoever receives them: a
 * hierarchical fan-out, so the splitting itself runs in parallel. A slice that is too big for a
 * message is halved until it fits; a single item that cannot fit is an {@link ItemTooLargeException}.
 */
public final class Splitter {

    private final SplitPolicy policy;
    private final ObjectMapper json;

    public Splitter(SplitPolicy policy, ObjectMapper json) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.json = Objects.requireNonNull(json, "json");
    }

    public SplitPolicy policy() {
        return policy;
    }

    /**
     * Splits {@code task}, which sits at {@code parent} in its job, into sub-tasks in item order.
     *
     * @throws SplitException when the split would go deeper than the policy allows
     * @throws ItemTooLargeException when one item alone is over the message size limit
     */
    public <T> List<SubTask> split(TaskType<T> type, T task, Lineage parent) {
        int itemCount = type.itemCount(task);
        if (parent.depth() + 1 > policy.maxSplitDepth()) {
            throw new SplitException("Refusing to split " + type.name() + " job " + parent.jobId() + " part '"
                    + parent.partId() + "' to depth " + (parent.depth() + 1) + ": MAX_SPLIT_DEPTH is "
                    + policy.maxSplitDepth() + ". Raise MAX_SPLIT_DEPTH (at most " + SplitPolicy.HARD_MAX_SPLIT_DEPTH
                    + ") or MAX_ITEMS_PER_TASK.");
        }
        // Attributes count against the message size too; budget for the longest part id this split can make.
        int attributeBudget = worstCaseAttributeBytes(parent, itemCount, type.name());
        int bodyLimit = policy.maxMessageBytes() - attributeBudget;
        List<String> bodies = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        int perSubTask = policy.itemsPerSubTask(itemCount);
        for (int from = 0; from < itemCount; from += perSubTask) {
            int to = Math.min(itemCount, from + perSubTask);
            addFitting(type, task, from, to, bodyLimit, attributeBudget, bodies, counts);
        }
        int partCount = bodies.size();
        List<SubTask> subTasks = new ArrayList<>(partCount);
        for (int i = 0; i < partCount; i++) {
            subTasks.add(new SubTask(bodies.get(i), parent.child(i + 1), i + 1, partCount, counts.get(i), type.name()));
        }
        return subTasks;
    }

    private <T> void addFitting(TaskType<T> type, T task, int from, int to, int bodyLimit, int attributeBudget,
                                List<String> bodies, List<Integer> counts) {
        String body = write(type, type.subTask(task, from, to));
        int bodyBytes = body.getBytes(StandardCharsets.UTF_8).length;
        if (bodyBytes <= bodyLimit) {
            bodies.add(body);
            counts.add(to - from);
        } else if (to - from == 1) {
            throw new ItemTooLargeException(type.name(), from, bodyBytes + attributeBudget, policy.maxMessageBytes());
        } else {
            int middle = (from + to) >>> 1;
            addFitting(type, task, from, middle, bodyLimit, attributeBudget, bodies, counts);
            addFitting(type, task, middle, to, bodyLimit, attributeBudget, bodies, counts);
        }
    }

    private <T> String write(TaskType<T> type, T subTask) {
        try {
            return json.writeValueAsString(type.write(subTask));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("Could not write a " + type.name() + " sub-task as JSON", e);
        }
    }

    private static int worstCaseAttributeBytes(Lineage parent, int itemCount, String taskType) {
        // A split never makes more parts than items, so part index and count have at most as many digits.
        SubTask widest = new SubTask("", parent.child(itemCount), itemCount, itemCount, itemCount, taskType);
        return SubTaskAttribute.totalBytes(widest);
    }
}
