package dev.loadsplitter.engine.internal.split;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.message.Lineage;
import dev.loadsplitter.engine.message.SubTask;
import dev.loadsplitter.engine.message.SubTaskAttribute;
import dev.loadsplitter.engine.task.TaskType;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Cuts a large task into sub-tasks of at most {@link SplitPolicy#maxItemsPerTask()} items, each
 * small enough for one SQS message. When that would make more than the fan-out limit, it makes
 * that many larger sub-tasks instead, which are split again by whoever receives them: a
 * hierarchical fan-out, so the splitting itself runs in parallel. A slice that is too big for a
 * message is halved until it fits; a single item that cannot fit is an {@link ItemTooLargeException}.
 *
 * <p>The parts depend only on the task and the policy, so a retried split, or the
 * {@link #rest rest} of a split that ran short of time, makes the very same parts with the same ids.
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
     * A split's parts, in order.
     *
     * @param parts the sub-tasks
     * @param firstItems for each part, the index of its first item in the task that was split
     * @param sliceStarts for each part, whether a slice starts with it: the rest of a split may begin there
     * @param sliceSize items per slice (before halving)
     */
    public record Plan(List<SubTask> parts, List<Integer> firstItems, List<Boolean> sliceStarts, int sliceSize) {}

    /**
     * Splits {@code task}, which sits at {@code parent} in its job, into sub-tasks in item order.
     *
     * @throws SplitException when the split would go deeper than the policy allows
     * @throws ItemTooLargeException when one item alone is over the message size limit
     */
    public <T> List<SubTask> split(TaskType<T> type, T task, Lineage parent) {
        return plan(type, task, parent, Optional.empty()).parts();
    }

    /**
     * Plans the split of {@code task}: all its parts, or, for the rest of a split that ran short of
     * time, the parts from {@code continuation}'s next part on, cut in the same slices.
     *
     * @param parent the task being split; for a rest, the task whose split it continues
     */
    public <T> Plan plan(TaskType<T> type, T task, Lineage parent, Optional<SubTask.Continuation> continuation) {
        int itemCount = type.itemCount(task);
        if (parent.hops() + 1 > policy.maxSplitDepth()) {
            throw new SplitException("Refusing to split " + type.name() + " job " + parent.jobId() + " part '"
                    + parent.partId() + "': its parts would be " + (parent.hops() + 1) + " hops from the original "
                    + "event and MAX_SPLIT_DEPTH is " + policy.maxSplitDepth() + " (splits, rests of splits and "
                    + "remainders each add a hop; Lambda stops recursive loops at about 16). Raise MAX_SPLIT_DEPTH "
                    + "(at most " + SplitPolicy.HARD_MAX_SPLIT_DEPTH + "), MAX_ITEMS_PER_TASK or FAN_OUT_LIMIT.");
        }
        int firstPart = continuation.map(SubTask.Continuation::nextPart).orElse(1);
        int perSubTask = continuation.map(SubTask.Continuation::sliceSize).orElse(policy.itemsPerSubTask(itemCount));
        // Attributes count against the message size too; budget for the longest part id this split can make.
        int attributeBudget = worstCaseAttributeBytes(parent, firstPart - 1 + itemCount, type.name());
        int bodyLimit = policy.maxMessageBytes() - attributeBudget;
        List<Piece> pieces = new ArrayList<>();
        for (int from = 0; from < itemCount; from += perSubTask) {
            int to = Math.min(itemCount, from + perSubTask);
            int before = pieces.size();
            addFitting(type, task, from, to, bodyLimit, attributeBudget, pieces);
            pieces.set(before, pieces.get(before).startingSlice());
        }
        int partCount = firstPart - 1 + pieces.size();
        List<SubTask> parts = new ArrayList<>(pieces.size());
        List<Integer> firstItems = new ArrayList<>(pieces.size());
        List<Boolean> sliceStarts = new ArrayList<>(pieces.size());
        for (int i = 0; i < pieces.size(); i++) {
            Piece piece = pieces.get(i);
            int index = firstPart + i;
            parts.add(new SubTask(
                    piece.body(), parent.child(index, piece.from()), index, partCount, piece.items(), type.name()));
            firstItems.add(piece.from());
            sliceStarts.add(piece.sliceStart());
        }
        return new Plan(parts, firstItems, sliceStarts, perSubTask);
    }

    /**
     * The rest of a split that ran short of time: the items from part {@code at} of {@code plan} on,
     * as a few sub-tasks, each a run of whole slices within the message limit, which their
     * consumers split into the parts the plan would have sent.
     *
     * @param at the index in {@code plan.parts()} of the first part not sent; a slice must start there
     */
    public <T> List<SubTask> rest(TaskType<T> type, T task, Lineage parent, Plan plan, int at) {
        if (!plan.sliceStarts().get(at)) {
            throw new IllegalArgumentException("the rest of a split starts at a slice, not inside one: part " + at);
        }
        List<Integer> starts = new ArrayList<>();
        for (int i = at; i < plan.parts().size(); i++) {
            if (plan.sliceStarts().get(i)) {
                starts.add(i);
            }
        }
        int itemCount = type.itemCount(task);
        int partCount = plan.parts().getLast().partCount();
        List<SubTask> rests = new ArrayList<>();
        int runStart = 0;
        while (runStart < starts.size()) {
            // Grow the run by its slices' own message sizes: they repeat the task's envelope once a
            // part, so their sum bounds the run's message from above and each rest is written once.
            int runEnd = runStart + 1;
            long bytes = sliceBytes(plan, starts, runStart);
            while (runEnd < starts.size()) {
                long next = sliceBytes(plan, starts, runEnd);
                if (bytes + next > policy.maxMessageBytes()) {
                    break;
                }
                bytes += next;
                runEnd++;
            }
            SubTask fitting = restOf(type, task, parent, plan, starts, runStart, runEnd, itemCount, partCount);
            // Should a task type write items together larger than apart, halve the run until it fits.
            while (fitting.messageBytes() > policy.maxMessageBytes() && runEnd - runStart > 1) {
                runEnd = runStart + (runEnd - runStart) / 2;
                fitting = restOf(type, task, parent, plan, starts, runStart, runEnd, itemCount, partCount);
            }
            if (fitting.messageBytes() > policy.maxMessageBytes()) {
                // One slice that the plan had to halve into parts: its parts fit where it does not.
                int end = runStart + 1 < starts.size()
                        ? starts.get(runStart + 1)
                        : plan.parts().size();
                rests.addAll(plan.parts().subList(starts.get(runStart), end));
            } else {
                rests.add(fitting);
            }
            runStart = runEnd;
        }
        return rests;
    }

    /** The message bytes of the parts of the slice that starts at {@code starts.get(slice)}. */
    private static long sliceBytes(Plan plan, List<Integer> starts, int slice) {
        int end =
                slice + 1 < starts.size() ? starts.get(slice + 1) : plan.parts().size();
        long bytes = 0;
        for (int part = starts.get(slice); part < end; part++) {
            bytes += plan.parts().get(part).messageBytes();
        }
        return bytes;
    }

    private <T> SubTask restOf(
            TaskType<T> type,
            T task,
            Lineage parent,
            Plan plan,
            List<Integer> starts,
            int runStart,
            int runEnd,
            int itemCount,
            int partCount) {
        int firstPart = starts.get(runStart);
        int fromItem = plan.firstItems().get(firstPart);
        int toItem = runEnd < starts.size() ? plan.firstItems().get(starts.get(runEnd)) : itemCount;
        int nextPart = plan.parts().get(firstPart).partIndex();
        return new SubTask(
                write(type, type.subTask(task, fromItem, toItem)),
                parent.continuation(nextPart, fromItem),
                nextPart,
                partCount,
                toItem - fromItem,
                type.name(),
                Optional.of(new SubTask.Continuation(nextPart, plan.sliceSize())));
    }

    /**
     * A task sent again to finish the items it had no time for: the same items and body, one hop
     * further ({@code 3.2@1}); its consumer does the items the ledger has not marked.
     */
    public <T> SubTask remainder(TaskType<T> type, T task, Lineage lineage, int items) {
        return new SubTask(write(type, task), lineage.remainder(), 1, 1, items, type.name());
    }

    /** One part of a split before it has an id: its body, its first item and its size. */
    private record Piece(String body, int from, int items, boolean sliceStart) {
        Piece startingSlice() {
            return new Piece(body, from, items, true);
        }
    }

    private <T> void addFitting(
            TaskType<T> type, T task, int from, int to, int bodyLimit, int attributeBudget, List<Piece> pieces) {
        String body = write(type, type.subTask(task, from, to));
        int bodyBytes = body.getBytes(StandardCharsets.UTF_8).length;
        if (bodyBytes <= bodyLimit) {
            pieces.add(new Piece(body, from, to - from, false));
        } else if (to - from == 1) {
            throw new ItemTooLargeException(type.name(), from, bodyBytes + attributeBudget, policy.maxMessageBytes());
        } else {
            int middle = (from + to) >>> 1;
            addFitting(type, task, from, middle, bodyLimit, attributeBudget, pieces);
            addFitting(type, task, middle, to, bodyLimit, attributeBudget, pieces);
        }
    }

    private <T> String write(TaskType<T> type, T subTask) {
        try {
            return json.writeValueAsString(type.write(subTask));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("Could not write a " + type.name() + " sub-task as JSON", e);
        }
    }

    private static int worstCaseAttributeBytes(Lineage parent, int lastPart, String taskType) {
        // Part index and count have at most as many digits as the last part's index.
        SubTask widest = new SubTask(
                "",
                new Lineage(
                        parent.jobId(),
                        parent.child(lastPart, 0).partId(),
                        parent.depth() + 1,
                        Math.max(parent.hops() + 1, 10),
                        Integer.MAX_VALUE * 4L),
                lastPart,
                lastPart,
                lastPart,
                taskType);
        return SubTaskAttribute.totalBytes(widest);
    }
}
