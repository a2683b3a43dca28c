package dev.loadsplitter.cli;

import dev.loadsplitter.engine.message.SubTaskAttribute;
import dev.loadsplitter.sqs.SqsBatches;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Moves dead-lettered sub-tasks back to a work queue, body and message attributes intact, ten at a
 * time: each is deleted from its queue only once the work queue has it. Sending a parked sub-task
 * back is all a redrive takes: its {@code parkedFrom} attribute tells the function to reopen its items
 * in the job ledger (the same call as {@link dev.loadsplitter.engine.jobs.Jobs#redrive}).
 */
final class SubTaskRedrive {

    private final DlqQueue queue;
    private final String target;
    private final PrintWriter out;

    SubTaskRedrive(DlqQueue queue, String target, PrintWriter out) {
        this.queue = queue;
        this.target = target;
        this.out = out;
    }

    /** @return the exit code: {@link ExitCodes#FAILED} when any message could not be moved, or stays hidden */
    int run(int max, boolean dryRun) {
        List<Message> messages = queue.look(max);
        if (dryRun) {
            for (Message message : messages) {
                out.printf(
                        "would move %s (job %s, part %s)%n",
                        message.messageId(),
                        DlqListCommand.attribute(message, SubTaskAttribute.JOB_ID),
                        DlqListCommand.attribute(message, SubTaskAttribute.PART_ID));
            }
            out.printf(
                    "dry run: %d message%s would move from %s to %s%n",
                    messages.size(), plural(messages.size()), queue.url(), target);
            out.flush();
            return queue.release(messages) == 0 ? ExitCodes.OK : ExitCodes.FAILED;
        }
        int moved = 0;
        List<Message> unsent = new ArrayList<>();
        List<Message> inBoth = new ArrayList<>();
        for (List<Message> chunk : SqsBatches.chunks(messages)) {
            SqsBatches.Outcome<Message> sent = SqsBatches.sendCopies(queue.sqs(), target, chunk, queue.retry());
            for (SqsBatches.Failure<Message> failure : sent.failed()) {
                unsent.add(failure.item());
                queue.errPrintln(
                        "load-splitter: could not move " + failure.item().messageId() + " to " + target
                                + " after " + queue.retry().attempts() + " attempts (" + failure.describe()
                                + "); it stays in " + queue.url() + ".");
            }
            List<Message> undeleted = queue.delete(
                    sent.done(),
                    "the work queue has it, so it is in both queues now; the job ledger acknowledges the second "
                            + "copy as a duplicate, but delete it from this queue before another redrive.");
            inBoth.addAll(undeleted);
            moved += sent.done().size();
        }
        int hidden = queue.release(unsent);
        out.printf(
                "moved %d message%s from %s to %s%s%s%n",
                moved,
                plural(moved),
                queue.url(),
                target,
                unsent.isEmpty() ? "" : "; " + unsent.size() + " could not be sent and stay in the DLQ",
                inBoth.isEmpty() ? "" : "; " + inBoth.size() + " could not be deleted from the DLQ and are in both");
        out.flush();
        return unsent.isEmpty() && inBoth.isEmpty() && hidden == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private static String plural(int count) {
        return count == 1 ? "" : "s";
    }
}
