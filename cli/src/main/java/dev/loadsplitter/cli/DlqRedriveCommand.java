package dev.loadsplitter.cli;

import dev.loadsplitter.sqs.SqsBatches;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code load-splitter dlq redrive}: the failed-events queue's events go to {@link FailedEventRedrive},
 * any other queue's sub-tasks to {@link SubTaskRedrive}.
 */
@Command(
        name = "redrive",
        mixinStandardHelpOptions = true,
        description = "Moves dead-lettered messages back to the work queue with their body and message "
                + "attributes intact, deleting each from the DLQ only once the work queue has it.")
final class DlqRedriveCommand implements Callable<Integer> {

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
            return QueueClients.isFailedEvents(dlq.queueUrl) ? failedEvents() : subTasks();
        } catch (SdkClientException e) {
            throw QueueClients.unreachable(dlq.queueUrl, e);
        }
    }

    private int subTasks() {
        String target = toQueueUrl != null ? toQueueUrl : QueueClients.workQueueOf(dlq.queueUrl);
        try (SqsClient sqs = dlq.client(dlq.queueUrl)) {
            return new SubTaskRedrive(queue(sqs), target, spec.commandLine().getOut()).run(dlq.max, dryRun);
        }
    }

    private int failedEvents() {
        String function = functionName != null ? functionName : QueueClients.functionOf(dlq.queueUrl);
        try (SqsClient sqs = dlq.client(dlq.queueUrl);
                LambdaClient lambda = QueueClients.lambdaBeside(dlq.queueUrl, lambdaEndpoint)) {
            return new FailedEventRedrive(
                            queue(sqs),
                            lambda,
                            function,
                            spec.commandLine().getOut(),
                            spec.commandLine().getErr())
                    .run(dlq.max, dryRun);
        }
    }

    private DlqQueue queue(SqsClient sqs) {
        return new DlqQueue(sqs, dlq.queueUrl, spec.commandLine().getErr(), SqsBatches.Retry.defaultRetry());
    }
}
