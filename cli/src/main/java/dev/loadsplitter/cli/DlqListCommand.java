package dev.loadsplitter.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.jobs.Jobs;
import dev.loadsplitter.engine.jobs.JobsUnavailableException;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.engine.message.JobIds;
import dev.loadsplitter.engine.message.SubTaskAttribute;
import dev.loadsplitter.local.invoke.DestinationRecord;
import dev.loadsplitter.sqs.SqsBatches;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** {@code load-splitter dlq list}: one line per dead-lettered sub-task or failed event; nothing is removed. */
@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        description = "Prints one line per dead-lettered message: its id, job id, part, items, receive count, "
                + "when it was first sent, its size, and with --records-table the first error its processing "
                + "record holds. Nothing is removed.")
final class DlqListCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = EventJson.create();
    private static final String ROW = "%-36s  %-38s  %-9s  %5s  %8s  %-20s  %6s  %s%n";

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
        } catch (JobsUnavailableException e) {
            throw new IllegalStateException(
                    e.getMessage() + " Check --records-table and --records-endpoint-url, or leave them out.", e);
        }
    }

    private int list() {
        PrintWriter out = spec.commandLine().getOut();
        try (SqsClient sqs = dlq.client(dlq.queueUrl);
                Jobs jobs = recordsTable == null
                        ? null
                        : Jobs.connect(
                                recordsTable, QueueClients.dynamoDbEnvironmentBeside(dlq.queueUrl, recordsEndpoint))) {
            DlqQueue queue =
                    new DlqQueue(sqs, dlq.queueUrl, spec.commandLine().getErr(), SqsBatches.Retry.defaultRetry());
            List<Message> messages = queue.look(dlq.max);
            int hidden;
            try {
                out.printf(
                        ROW, "MESSAGE ID", "JOB ID", "PART", "ITEMS", "RECEIVES", "FIRST SENT", "BYTES", "FIRST ERROR");
                for (Message message : messages) {
                    out.print(row(message, jobs));
                }
                out.printf("%d message%s in %s%n", messages.size(), messages.size() == 1 ? "" : "s", dlq.queueUrl);
                out.flush();
            } finally {
                hidden = queue.release(messages);
            }
            return hidden == 0 ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    private static String row(Message message, Jobs jobs) {
        Map<MessageSystemAttributeName, String> system = message.attributes();
        Optional<DestinationRecord> failedEvent = DestinationRecord.read(JSON, message.body());
        if (failedEvent.isPresent()) {
            // An asynchronous invocation's failed event: the original task, tried every allowed time.
            DestinationRecord record = failedEvent.get();
            return String.format(
                    ROW,
                    message.messageId(),
                    JobIds.derive(record.requestPayload()),
                    "event",
                    "-",
                    record.attempts() + " inv",
                    record.at(),
                    message.body().length(),
                    record.errorMessage());
        }
        String firstError = jobs == null
                ? "-"
                : SubTaskAttribute.lineageOf(attributes(message))
                                instanceof SubTaskAttribute.ReceivedLineage.Known known
                        ? known.lineage()
                                .taskId()
                                .flatMap(id -> jobs.firstError(id.jobId(), id.partId()))
                                .orElse("-")
                        : "-";
        String sent = system.get(MessageSystemAttributeName.SENT_TIMESTAMP);
        return String.format(
                ROW,
                message.messageId(),
                attribute(message, SubTaskAttribute.JOB_ID),
                attribute(message, SubTaskAttribute.PART_ID) + "/" + attribute(message, SubTaskAttribute.PART_COUNT),
                attribute(message, SubTaskAttribute.ITEM_COUNT),
                system.getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "-"),
                sent == null ? "-" : Instant.ofEpochMilli(Long.parseLong(sent)).toString(),
                message.body().length(),
                firstError);
    }

    static String attribute(Message message, SubTaskAttribute attribute) {
        return attribute.in(attributes(message)).orElse("-");
    }

    /** The string values of a message's attributes, by name, as {@link SubTaskAttribute} reads them. */
    static Map<String, String> attributes(Message message) {
        Map<String, String> strings = new HashMap<>();
        message.messageAttributes().forEach((name, value) -> {
            if (value != null && value.stringValue() != null) {
                strings.put(name, value.stringValue());
            }
        });
        return strings;
    }
}
