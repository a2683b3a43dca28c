package dev.loadsplitter.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.internal.json.EventJson;
import dev.loadsplitter.engine.internal.ledger.Ledger;
import dev.loadsplitter.engine.message.JobIds;
import dev.loadsplitter.engine.message.SubTaskAttribute;
import dev.loadsplitter.local.invoke.DestinationRecord;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/** {@code load-splitter dlq list|redrive}: look at dead-lettered sub-tasks, and move them back. */
@Command(
        name = "dlq",
        mixinStandardHelpOptions = true,
        description = "Lists the dead-letter queue's sub-tasks, or moves them back to the work queue. Works against "
                + "'load-splitter serve' (the default queue URL) and against AWS (--queue-url, standard credentials). "
                + "Given the failed-events queue (<prefix>-failed-events), it lists the events that failed every "
                + "asynchronous attempt, and redrive invokes the function with them again.",
        subcommands = {DlqCommand.ListCommand.class, DlqCommand.RedriveCommand.class})
final class DlqCommand {

    /** Where 'serve' parks dead-lettered sub-tasks once the function has counted them into their jobs. */
    static final String LOCAL_DLQ = "http://127.0.0.1:9324/000000000000/load-splitter-parked";

    private static final ObjectMapper JSON = EventJson.create();

    @Option(
            names = "--queue-url",
            defaultValue = LOCAL_DLQ,
            paramLabel = "URL",
            scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "The queue to read: the parked dead-lettered sub-tasks (default: ${DEFAULT-VALUE}, which "
                    + "'load-splitter serve' creates), the dead-letter queue itself, or the failed-events queue.")
    String queueUrl;

    @Option(
            names = "--max",
            defaultValue = "1000",
            paramLabel = "N",
            scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "At most this many messages (default: ${DEFAULT-VALUE}).")
    int max;

    /** How long messages stay hidden while being looked at; they are made visible again at the end. */
    private static final int LOOK_SECONDS = 30;

    /**
     * Receives up to {@code max} messages, each hidden for a short while so that paging goes on to
     * new ones; the caller makes the ones it keeps visible again.
     */
    List<Message> receive(SqsClient sqs) {
        List<Message> messages = new ArrayList<>();
        while (messages.size() < max) {
            int want = Math.min(10, max - messages.size());
            List<Message> page = sqs.receiveMessage(r -> r.queueUrl(queueUrl)
                            .maxNumberOfMessages(want)
                            .visibilityTimeout(LOOK_SECONDS)
                            .waitTimeSeconds(0)
                            .messageAttributeNames("All")
                            .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
                    .messages();
            if (page.isEmpty()) {
                break;
            }
            messages.addAll(page);
        }
        return messages;
    }

    /** Makes {@code messages} visible again at once. */
    void release(SqsClient sqs, List<Message> messages) {
        for (int from = 0; from < messages.size(); from += 10) {
            List<Message> chunk = messages.subList(from, Math.min(messages.size(), from + 10));
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
                        .id(Integer.toString(i))
                        .receiptHandle(chunk.get(i).receiptHandle())
                        .visibilityTimeout(0)
                        .build());
            }
            sqs.changeMessageVisibilityBatch(r -> r.queueUrl(queueUrl).entries(entries));
        }
    }

    static String attribute(Message message, SubTaskAttribute attribute) {
        return attribute.of(message, "-");
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Prints one line per dead-lettered message: its id, job id, part, items, receive count, "
                    + "when it was first sent, its size, and with --records-table the first error its processing "
                    + "record holds. Nothing is removed.")
    static final class ListCommand implements Callable<Integer> {

        @ParentCommand
        DlqCommand dlq;

        @Spec
        CommandSpec spec;

        @Option(
                names = "--records-table",
                paramLabel = "TABLE",
                description = "The DynamoDB processing-records table (IDEMPOTENCY=dynamodb), to show each sub-task's "
                        + "first error.")
        String recordsTable;

        @Option(
                names = "--records-endpoint-url",
                paramLabel = "URL",
                description = "A DynamoDB-protocol endpoint for --records-table, such as a local dynalite.")
        String recordsEndpoint;

        @Override
        public Integer call() {
            try {
                return list();
            } catch (SdkClientException e) {
                throw QueueClients.unreachable(dlq.queueUrl, e);
            }
        }

        private int list() {
            PrintWriter out = spec.commandLine().getOut();
            try (SqsClient sqs = QueueClients.forQueue(dlq.queueUrl);
                    DynamoDbClient dynamo =
                            recordsTable == null ? null : QueueClients.dynamoDbBeside(dlq.queueUrl, recordsEndpoint)) {
                Ledger records = dynamo == null ? null : JobsCommand.ledger(dynamo, recordsTable);
                List<Message> messages = dlq.receive(sqs);
                out.printf(
                        "%-36s  %-38s  %-9s  %5s  %8s  %-20s  %6s  %s%n",
                        "MESSAGE ID", "JOB ID", "PART", "ITEMS", "RECEIVES", "FIRST SENT", "BYTES", "FIRST ERROR");
                for (Message message : messages) {
                    Map<MessageSystemAttributeName, String> system = message.attributes();
                    String sent = system.get(MessageSystemAttributeName.SENT_TIMESTAMP);
                    Optional<DestinationRecord> failedEvent = DestinationRecord.read(JSON, message.body());
                    if (failedEvent.isPresent()) {
                        // An asynchronous invocation's failed event: the original task, tried every allowed time.
                        DestinationRecord record = failedEvent.get();
                        out.printf(
                                "%-36s  %-38s  %-9s  %5s  %8s  %-20s  %6d  %s%n",
                                message.messageId(),
                                JobIds.derive(record.requestPayload()),
                                "event",
                                "-",
                                record.attempts() + " inv",
                                record.at(),
                                message.body().length(),
                                record.errorMessage());
                        continue;
                    }
                    String firstError = records == null
                            ? "-"
                            : SubTaskAttribute.lineageOf(SubTaskAttribute.stringsOf(message.messageAttributes()))
                                            instanceof SubTaskAttribute.ReceivedLineage.Known known
                                    ? known.lineage()
                                            .taskId()
                                            .flatMap(id -> records.firstError(id.jobId(), id.partId()))
                                            .orElse("-")
                                    : "-";
                    out.printf(
                            "%-36s  %-38s  %-9s  %5s  %8s  %-20s  %6d  %s%n",
                            message.messageId(),
                            attribute(message, SubTaskAttribute.JOB_ID),
                            attribute(message, SubTaskAttribute.PART_ID) + "/"
                                    + attribute(message, SubTaskAttribute.PART_COUNT),
                            attribute(message, SubTaskAttribute.ITEM_COUNT),
                            system.getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "-"),
                            sent == null
                                    ? "-"
                                    : Instant.ofEpochMilli(Long.parseLong(sent)).toString(),
                            message.body().length(),
                            firstError);
                }
                out.printf("%d message%s in %s%n", messages.size(), messages.size() == 1 ? "" : "s", dlq.queueUrl);
                out.flush();
                dlq.release(sqs, messages);
            }
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "redrive",
            mixinStandardHelpOptions = true,
            description = "Moves dead-lettered messages back to the work queue with their body and message "
                    + "attributes intact, deleting each from the DLQ only once the work queue has it.")
    static final class RedriveCommand implements Callable<Integer> {

        @ParentCommand
        DlqCommand dlq;

        @Spec
        CommandSpec spec;

        @Option(
                names = "--to-queue-url",
                paramLabel = "URL",
                description = "The queue to move them to (default: the work queue, <prefix>-queue, of a queue named "
                        + "<prefix>-parked or <prefix>-dlq).")
        String toQueueUrl;

        @Option(names = "--dry-run", description = "Say what would move; move nothing.")
        boolean dryRun;

        @Option(
                names = "--function-name",
                paramLabel = "NAME",
                description = "For failed events: the function to invoke with them (default: the queue's prefix, "
                        + "<prefix>-failed-events).")
        String functionName;

        @Option(
                names = "--lambda-endpoint-url",
                paramLabel = "URL",
                description = "For failed events: the Lambda endpoint (default: load-splitter serve's, port "
                        + QueueClients.LOCAL_LAMBDA_PORT + ", for a local queue; AWS otherwise).")
        String lambdaEndpoint;

        @Override
        public Integer call() {
            try {
                return dlq.queueUrl.endsWith("-failed-events") ? redriveFailedEvents() : redrive();
            } catch (SdkClientException e) {
                throw QueueClients.unreachable(dlq.queueUrl, e);
            }
        }

        private int redrive() {
            PrintWriter out = spec.commandLine().getOut();
            String target = toQueueUrl != null ? toQueueUrl : QueueClients.workQueueOf(dlq.queueUrl);
            try (SqsClient sqs = QueueClients.forQueue(dlq.queueUrl)) {
                List<Message> messages = dlq.receive(sqs);
                if (dryRun) {
                    for (Message message : messages) {
                        out.printf(
                                "would move %s (job %s, part %s)%n",
                                message.messageId(),
                                attribute(message, SubTaskAttribute.JOB_ID),
                                attribute(message, SubTaskAttribute.PART_ID));
                    }
                    out.printf(
                            "dry run: %d message%s would move from %s to %s%n",
                            messages.size(), messages.size() == 1 ? "" : "s", dlq.queueUrl, target);
                    dlq.release(sqs, messages);
                    return ExitCodes.OK;
                }
                int moved = 0;
                List<Message> failed = new ArrayList<>();
                for (int from = 0; from < messages.size(); from += 10) {
                    List<Message> chunk = messages.subList(from, Math.min(messages.size(), from + 10));
                    List<Message> sent = send(sqs, target, chunk, failed);
                    delete(sqs, sent);
                    moved += sent.size();
                }
                dlq.release(sqs, failed);
                out.printf(
                        "moved %d message%s from %s to %s%s%n",
                        moved,
                        moved == 1 ? "" : "s",
                        dlq.queueUrl,
                        target,
                        failed.isEmpty() ? "" : "; " + failed.size() + " could not be sent and stay in the DLQ");
                out.flush();
                return failed.isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
            }
        }

        /**
         * Invokes the function asynchronously with each failed event, as the source would have, and
         * deletes the event once Lambda accepted it. The processing records suppress every sub-task
         * the event's earlier attempts finished, so only what was left is done.
         */
        private int redriveFailedEvents() {
            PrintWriter out = spec.commandLine().getOut();
            String function = functionName != null ? functionName : QueueClients.functionOf(dlq.queueUrl);
            try (SqsClient sqs = QueueClients.forQueue(dlq.queueUrl);
                    LambdaClient lambda = QueueClients.lambdaBeside(dlq.queueUrl, lambdaEndpoint)) {
                List<Message> messages = dlq.receive(sqs);
                List<Message> kept = new ArrayList<>();
                int invoked = 0;
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
                        System.err.println("load-splitter: could not invoke " + function + " with "
                                + message.messageId() + ": " + e.getMessage() + "; it stays in " + dlq.queueUrl);
                        kept.add(message);
                        continue;
                    }
                    sqs.deleteMessage(request -> request.queueUrl(dlq.queueUrl).receiptHandle(message.receiptHandle()));
                    invoked++;
                }
                dlq.release(sqs, kept);
                out.printf(
                        "%s %d failed event%s from %s asynchronously to %s%n",
                        dryRun ? "dry run: would invoke" : "invoked",
                        dryRun ? kept.size() : invoked,
                        (dryRun ? kept.size() : invoked) == 1 ? "" : "s",
                        dlq.queueUrl,
                        function);
                out.flush();
                return dryRun || kept.isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
            }
        }

        private List<Message> send(SqsClient sqs, String target, List<Message> chunk, List<Message> failed) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(SendMessageBatchRequestEntry.builder()
                        .id(Integer.toString(i))
                        .messageBody(chunk.get(i).body())
                        .messageAttributes(chunk.get(i).messageAttributes())
                        .build());
            }
            SendMessageBatchResponse response =
                    sqs.sendMessageBatch(r -> r.queueUrl(target).entries(entries));
            List<Message> sent = new ArrayList<>();
            response.successful().forEach(ok -> sent.add(chunk.get(Integer.parseInt(ok.id()))));
            response.failed().forEach(error -> {
                Message message = chunk.get(Integer.parseInt(error.id()));
                failed.add(message);
                System.err.println("load-splitter: could not move " + message.messageId() + ": " + error.code() + " "
                        + error.message());
            });
            return sent;
        }

        private void delete(SqsClient sqs, List<Message> sent) {
            if (sent.isEmpty()) {
                return;
            }
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < sent.size(); i++) {
                entries.add(DeleteMessageBatchRequestEntry.builder()
                        .id(Integer.toString(i))
                        .receiptHandle(sent.get(i).receiptHandle())
                        .build());
            }
            sqs.deleteMessageBatch(r -> r.queueUrl(dlq.queueUrl).entries(entries));
        }
    }
}
