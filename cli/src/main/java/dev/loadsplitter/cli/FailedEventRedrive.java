package dev.loadsplitter.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.engine.message.JobIds;
import dev.loadsplitter.local.invoke.DestinationRecord;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Invokes the function asynchronously with each failed event of a failed-events queue, as the source
 * would have, and deletes the event once Lambda accepted it. The job ledger suppresses every sub-task
 * the event's earlier attempts finished, so only what was left is done.
 */
final class FailedEventRedrive {

    private static final ObjectMapper JSON = EventJson.create();

    private final DlqQueue queue;
    private final LambdaClient lambda;
    private final String function;
    private final PrintWriter out;
    private final PrintWriter err;

    FailedEventRedrive(DlqQueue queue, LambdaClient lambda, String function, PrintWriter out, PrintWriter err) {
        this.queue = queue;
        this.lambda = lambda;
        this.function = function;
        this.out = out;
        this.err = err;
    }

    /** @return the exit code: {@link ExitCodes#FAILED} when any event was not invoked, or stays in the queue */
    int run(int max, boolean dryRun) {
        List<Message> messages = queue.look(max);
        List<Message> kept = new ArrayList<>();
        int invoked = 0;
        int undeleted = 0;
        for (Message message : messages) {
            Optional<DestinationRecord> record = DestinationRecord.read(JSON, message.body());
            if (record.isEmpty()) {
                out.printf("skipped %s: not an asynchronous invocation record%n", message.messageId());
                kept.add(message);
                continue;
            }
            if (dryRun) {
                out.printf(
                        "would invoke %s with the event of %s (job %s)%n",
                        function,
                        message.messageId(),
                        JobIds.derive(record.get().requestPayload()));
                kept.add(message);
                continue;
            }
            try {
                lambda.invoke(request -> request.functionName(function)
                        .invocationType(InvocationType.EVENT)
                        .payload(SdkBytes.fromUtf8String(
                                record.get().requestPayload().toString())));
            } catch (SdkException e) {
                err.println("load-splitter: could not invoke " + function + " with " + message.messageId() + ": "
                        + e.getMessage() + "; it stays in " + queue.url());
                kept.add(message);
                continue;
            }
            invoked++;
            undeleted += queue.delete(
                            List.of(message),
                            "Lambda has accepted its event, so a redrive run again invokes it again; the job ledger "
                                    + "does only what is left, but delete it from this queue before another redrive.")
                    .size();
        }
        int hidden = queue.release(kept);
        out.printf(
                "%s %d failed event%s from %s asynchronously to %s%s%n",
                dryRun ? "dry run: would invoke" : "invoked",
                dryRun ? kept.size() : invoked,
                (dryRun ? kept.size() : invoked) == 1 ? "" : "s",
                queue.url(),
                function,
                undeleted == 0 ? "" : "; " + undeleted + " could not be deleted from the queue");
        out.flush();
        boolean allDone = dryRun || kept.isEmpty();
        return allDone && undeleted == 0 && hidden == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
