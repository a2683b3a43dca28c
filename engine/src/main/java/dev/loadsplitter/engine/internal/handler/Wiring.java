package dev.loadsplitter.engine.internal.handler;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.LoadSplitter;
import dev.loadsplitter.engine.config.EngineSettings;
import dev.loadsplitter.engine.internal.config.AwsClients;
import dev.loadsplitter.engine.internal.config.Once;
import dev.loadsplitter.engine.internal.idempotency.DynamoDbProcessingRecords;
import dev.loadsplitter.engine.internal.idempotency.InMemoryProcessingRecords;
import dev.loadsplitter.engine.internal.idempotency.LazyProcessingRecords;
import dev.loadsplitter.engine.internal.idempotency.ProcessingRecords;
import dev.loadsplitter.engine.internal.json.EventJson;
import dev.loadsplitter.engine.internal.queue.QueueAddress;
import dev.loadsplitter.engine.internal.queue.SqsSubTaskSender;
import dev.loadsplitter.engine.internal.queue.SubTaskSender;
import dev.loadsplitter.engine.internal.split.Splitter;
import dev.loadsplitter.engine.internal.time.Sleeper;
import dev.loadsplitter.engine.task.TaskType;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Builds a container's engine from the function's environment. */
public final class Wiring {

    private static final Logger log = LoggerFactory.getLogger(Wiring.class);

    private Wiring() {
    }

    /**
     * Settings, the shared JSON mapper, a virtual-thread executor, the processing records the
     * settings ask for, and (built on the first split) the SQS client and queue URL.
     */
    public static <T> LoadSplitter fromEnvironment(TaskType<T> type, Map<String, String> environment) {
        EngineSettings settings = EngineSettings.from(environment);
        ObjectMapper json = EventJson.shared();
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        return new EventRouter<>(new EngineParts<>(type, json, new Splitter(settings.policy(), json),
                sender(settings, environment, executor), records(settings, environment), Clock.systemUTC(), executor,
                settings.recordConcurrency(), executor::close));
    }

    /**
     * Built on the first split only: most invocations of a fan-out process one small sub-task and
     * never send, so their cold start skips it. The client is shared per class loader and
     * configuration: one per container on AWS.
     */
    private static SubTaskSender sender(EngineSettings settings, Map<String, String> environment,
                                        ExecutorService executor) {
        if (settings.queueUrl().isEmpty() && settings.queueName().isEmpty()) {
            log.warn("Neither QUEUE_URL nor QUEUE_NAME is set: small tasks work, large ones will fail to split.");
        }
        Once<SubTaskSender> real = new Once<>(() -> {
            SqsClient sqs = AwsClients.sharedSqs(environment);
            QueueAddress queue = settings.queueUrl().map(QueueAddress::ofUrl)
                    .or(() -> settings.queueName().map(name -> QueueAddress.ofName(sqs, name)))
                    .orElseThrow(() -> new IllegalStateException("No work queue configured: set QUEUE_URL (or "
                            + "QUEUE_NAME) in the function's environment so large tasks can be split."));
            return new SqsSubTaskSender(sqs, queue, settings.sender(), executor, Sleeper.system(), Clock.systemUTC());
        });
        return (subTasks, context) -> real.get().send(subTasks, context);
    }

    private static ProcessingRecords records(EngineSettings settings, Map<String, String> environment) {
        return switch (settings.idempotency()) {
            case MEMORY -> InMemoryProcessingRecords.shared(settings.queueUrl().or(settings::queueName).orElse(""),
                    settings.idempotencyTtl());
            case DYNAMODB -> new LazyProcessingRecords(() -> new DynamoDbProcessingRecords(
                    AwsClients.sharedDynamoDb(environment), settings.idempotencyTable().orElseThrow(),
                    settings.idempotencyTtl()));
            case OFF -> ProcessingRecords.none();
        };
    }
}
