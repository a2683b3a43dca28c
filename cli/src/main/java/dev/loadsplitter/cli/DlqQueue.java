package dev.loadsplitter.cli;

import dev.loadsplitter.sqs.SqsBatches;
import java.io.PrintWriter;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The queue a {@code dlq} command reads: messages are looked at (received and hidden a while, so
 * paging goes on to new ones), then deleted or made visible again, each batch call's failed entries
 * retried and, when they stay failed, said on {@code err}.
 */
final class DlqQueue {

    /** How long messages stay hidden while being looked at; they are made visible again at the end. */
    static final int LOOK_SECONDS = 30;

    private final SqsClient sqs;
    private final String url;
    private final PrintWriter err;
    private final SqsBatches.Retry retry;

    DlqQueue(SqsClient sqs, String url, PrintWriter err, SqsBatches.Retry retry) {
        this.sqs = sqs;
        this.url = url;
        this.err = err;
        this.retry = retry;
    }

    SqsClient sqs() {
        return sqs;
    }

    String url() {
        return url;
    }

    SqsBatches.Retry retry() {
        return retry;
    }

    /** Says {@code line} on the error stream, at once. */
    void errPrintln(String line) {
        err.println(line);
        err.flush();
    }

    /** Up to {@code max} messages, each hidden for {@value #LOOK_SECONDS} s. */
    List<Message> look(int max) {
        return SqsBatches.peek(sqs, url, max, LOOK_SECONDS);
    }

    /**
     * Makes {@code messages} visible again at once.
     *
     * @return how many stayed hidden (each said on {@code err}); they come back once their
     *     {@value #LOOK_SECONDS} s are over, so nothing is lost, but a command run at once would not see them
     */
    int release(List<Message> messages) {
        SqsBatches.Outcome<Message> outcome = SqsBatches.changeVisibility(sqs, url, messages, 0, retry);
        for (SqsBatches.Failure<Message> failure : outcome.failed()) {
            err.println("load-splitter: could not make " + failure.item().messageId() + " visible again in " + url
                    + " after " + retry.attempts() + " attempts (" + failure.describe() + "); it stays in the queue, "
                    + "hidden until its " + LOOK_SECONDS + " s are over: wait that long before the next dlq command.");
        }
        err.flush();
        return outcome.failed().size();
    }

    /**
     * Deletes {@code messages}.
     *
     * @return those that could not be deleted (each said on {@code err}, with {@code why} it matters)
     */
    List<Message> delete(List<Message> messages, String why) {
        SqsBatches.Outcome<Message> outcome = SqsBatches.delete(sqs, url, messages, retry);
        for (SqsBatches.Failure<Message> failure : outcome.failed()) {
            err.println("load-splitter: could not delete " + failure.item().messageId() + " from " + url + " after "
                    + retry.attempts() + " attempts (" + failure.describe() + "): " + why);
        }
        err.flush();
        return outcome.failed().stream().map(SqsBatches.Failure::item).toList();
    }
}
