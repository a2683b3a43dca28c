package dev.loadsplitter.cli;

import java.util.Objects;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code load-splitter dlq list|redrive}: look at dead-lettered sub-tasks and failed events, and move
 * them back. This class holds the options the subcommands share and opens the queue they name;
 * each job is a class of its own ({@link DlqListCommand}, {@link SubTaskRedrive}, {@link FailedEventRedrive}).
 */
@Command(
        name = "dlq",
        mixinStandardHelpOptions = true,
        description = "Lists the dead-letter queue's sub-tasks, or moves them back to the work queue. Works against "
                + "'load-splitter serve' (the default queue URL) and against AWS (--queue-url, standard credentials). "
                + "Given the failed-events queue (<prefix>-failed-events), it lists the events that failed every "
                + "asynchronous attempt, and redrive invokes the function with them again.",
        subcommands = {DlqListCommand.class, DlqRedriveCommand.class})
final class DlqCommand {

    /** Where 'serve' parks dead-lettered sub-tasks once the function has counted them into their jobs. */
    static final String LOCAL_DLQ = "http://127.0.0.1:9324/000000000000/load-splitter-parked";

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

    private final Function<String, SqsClient> clients;

    DlqCommand() {
        this(QueueClients::forQueue);
    }

    /** With the SQS client for a queue URL that {@code clients} builds (a test's fake, say). */
    DlqCommand(Function<String, SqsClient> clients) {
        this.clients = Objects.requireNonNull(clients, "clients");
    }

    /** A client for {@code url}; the caller closes it. */
    SqsClient client(String url) {
        return clients.apply(url);
    }
}
