package dev.loadsplitter.engine.internal.handler;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.LoadSplitter;
import dev.loadsplitter.engine.config.Dispatch;
import dev.loadsplitter.engine.config.Idempotency;
import dev.loadsplitter.engine.internal.config.AwsClients;
import dev.loadsplitter.engine.internal.config.EngineSettings;
import dev.loadsplitter.engine.internal.config.Once;
import dev.loadsplitter.engine.internal.jobs.CompletionEvents;
import dev.loadsplitter.engine.internal.jobs.EventBridgeCompletionEvents;
import dev.loadsplitter.engine.internal.jobs.JobCompletion;
import dev.loadsplitter.engine.internal.ledger.ContainerLedger;
import dev.loadsplitter.engine.internal.ledger.DynamoDbLedgerTable;
import dev.loadsplitter.engine.internal.ledger.JobLedger;
import dev.loadsplitter.engine.internal.ledger.Ledger;
import dev.loadsplitter.engine.internal.ledger.LedgerSettings;
import dev.loadsplitter.engine.internal.ledger.MemoryLedgerTable;
import dev.loadsplitter.engine.internal.queue.InvokeSubTaskSender;
import dev.loadsplitter.engine.internal.queue.QueueAddress;
import dev.loadsplitter.engine.internal.queue.SendReport;
import dev.loadsplitter.engine.internal.queue.SqsSubTaskSender;
import dev.loadsplitter.engine.internal.queue.SubTaskSender;
import dev.loadsplitter.engine.internal.split.Splitter;
import dev.loadsplitter.engine.internal.time.Sleeper;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.engine.message.SubTask;
import dev.loadsplitter.engine.message.SubTaskAttribute;
import dev.loadsplitter.engine.task.TaskType;
import dev.loadsplitter.engine.task.WorkContext;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** Builds a container's engine from the function's environment. */
public final class Wiring {

    private static final Logger log = LoggerFactory.getLogger(Wiring.class);

    private Wiring() {}

    /**
     * Settings, the shared JSON mapper, a virtual-thread executor, the processing records the
     * settings ask for, and (built on the first split) the SQS client and queue URL.
     */
    public static <T> LoadSplitter fromEnvironment(TaskType<T> type, Map<String, String> environment) {
        EngineSettings settings = EngineSettings.from(environment);
        ObjectMapper json = EventJson.shared();
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        Clock clock = Clock.systemUTC();
        JobLedger ledger = ledger(settings, environment, clock);
        warmUp(ledger);
        CompletionEvents events = settings.eventBusName()
                .<CompletionEvents>map(
                        bus -> new EventBridgeCompletionEvents(() -> AwsClients.sharedEventBridge(environment), bus))
                .orElse(CompletionEvents.none());
        prepareClients(settings, environment);
        if (settings.eventBusName().isPresent() && settings.idempotency() != Idempotency.DYNAMODB) {
            log.warn(
                    "EVENT_BUS_NAME is set but IDEMPOTENCY is {}: the job ledger is per container, so a job's completion "
                            + "event may never be sent. Set IDEMPOTENCY=dynamodb.",
                    settings.idempotency().value());
        }
        DeadLetters deadLetters = new DeadLetters(
                settings.deadLetterQueueArn(),
                settings.maxReceiveCount(),
                settings.invokeMaxAttempts(),
                parking(settings, environment),
                settings.failedEventsQueueArn());
        return new EventRouter<>(new EngineParts<>(
                type,
                json,
                new Splitter(settings.policy(), json),
                sender(settings, environment, executor),
                ledger,
                clock,
                executor,
                settings.recordConcurrency(),
                executor::close,
                new JobCompletion(ledger, events),
                deadLetters));
    }

    /** Sends a dead-lettered record, body and message attributes, to PARKED_QUEUE_URL. */
    private static DeadLetters.Parking parking(EngineSettings settings, Map<String, String> environment) {
        if (settings.parkedQueueUrl().isEmpty()) {
            return DeadLetters.Parking.NONE;
        }
        String parked = settings.parkedQueueUrl().get();
        return record -> {
            Map<String, MessageAttributeValue> attributes = new HashMap<>();
            record.messageAttributes()
                    .forEach((name, value) -> attributes.put(
                            name,
                            MessageAttributeValue.builder()
                                    .dataType(SubTaskAttribute.dataTypeOf(name))
                                    .stringValue(value)
                                    .build()));
            attributes.put(
                    SubTaskAttribute.PARKED_FROM,
                    MessageAttributeValue.builder()
                            .dataType("String")
                            .stringValue(record.messageId())
                            .build());
            AwsClients.sharedSqs(environment)
                    .sendMessage(request -> request.queueUrl(parked)
                            .messageBody(record.body().orElse(""))
                            .messageAttributes(attributes));
        };
    }

    /** Sub-tasks dispatched by invoking this function asynchronously; the client built on the first split. */
    private static SubTaskSender invoker(
            EngineSettings settings, Map<String, String> environment, ExecutorService executor) {
        try {
            Class.forName("software.amazon.awssdk.services.lambda.LambdaClient", false, Wiring.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(
                    "DISPATCH=invoke needs the AWS SDK's Lambda client in the function's jar: add "
                            + "software.amazon.awssdk:lambda to its pom (the engine leaves it optional), or set DISPATCH=sqs.");
        }
        Once<SubTaskSender> real = new Once<>(() -> new InvokeSubTaskSender(
                AwsClients.sharedLambda(environment),
                settings.selfInvokeTarget()
                        .orElseThrow(
                                () -> new IllegalStateException(
                                        "DISPATCH=invoke needs the function's own name in "
                                                + "AWS_LAMBDA_FUNCTION_NAME, which Lambda sets; set it when running the engine elsewhere.")),
                settings.sender().concurrency(),
                executor,
                EventJson.shared(),
                Clock.systemUTC()));
        return (subTasks, context) -> real.get().send(subTasks, context);
    }

    /**
     * Built on the first split only: most invocations of a fan-out process one small sub-task and
     * never send, so their cold start skips it. The client is shared per class loader and
     * configuration: one per container on AWS.
     */
    private static SubTaskSender sender(
            EngineSettings settings, Map<String, String> environment, ExecutorService executor) {
        if (settings.dispatch() == Dispatch.INVOKE) {
            return invoker(settings, environment, executor);
        }
        if (settings.queueUrl().isEmpty() && settings.queueName().isEmpty()) {
            log.warn("Neither QUEUE_URL nor QUEUE_NAME is set: small tasks work, large ones will fail to split.");
        }
        Once<SubTaskSender> real = new Once<>(() -> {
            SqsClient sqs = AwsClients.sharedSqs(environment);
            QueueAddress queue = settings.queueUrl()
                    .map(QueueAddress::ofUrl)
                    .or(() -> settings.queueName().map(name -> QueueAddress.ofName(sqs, name)))
                    .orElseThrow(() -> new IllegalStateException("No work queue configured: set QUEUE_URL (or "
                            + "QUEUE_NAME) in the function's environment so large tasks can be split."));
            return new SqsSubTaskSender(sqs, queue, settings.sender(), executor, Sleeper.system(), Clock.systemUTC());
        });
        return new SubTaskSender() {
            @Override
            public SendReport send(List<SubTask> subTasks, WorkContext context) {
                return real.get().send(subTasks, context);
            }

            @Override
            public void warmUp() {
                real.get().warmUp();
            }
        };
    }

    /**
     * Primes the ledger's client during init, where Lambda does not count the time against the
     * function timeout; a failure is only logged, as the first invocation will meet and report it.
     */
    private static void warmUp(JobLedger ledger) {
        try {
            ledger.warmUp();
        } catch (RuntimeException e) {
            log.warn(
                    "Could not reach the job ledger during init ({}); the first invocation will try again.",
                    e.getMessage());
        }
    }

    /**
     * Builds, on a virtual thread of its own, the SQS client a split sends with and the EventBridge
     * client a close publishes with, so neither is built on the path of the invocation that needs
     * it: a split's sends, or the end of the job's last sub-task. Init does not wait for it; a
     * first use meanwhile waits for the same build (the shared clients' map builds each once). The
     * clients are shared per class loader and configuration, so this is once per container on
     * AWS and once per run locally; building one makes no call. A failure is only logged: the
     * first use builds again and reports it.
     */
    private static void prepareClients(EngineSettings settings, Map<String, String> environment) {
        boolean sends = settings.dispatch() == Dispatch.SQS
                && (settings.queueUrl().isPresent() || settings.queueName().isPresent());
        boolean publishes = settings.eventBusName().isPresent();
        if (!sends && !publishes) {
            return;
        }
        Thread.ofVirtual().name("load-splitter-clients").start(() -> {
            try {
                if (sends) {
                    AwsClients.sharedSqs(environment);
                }
                if (publishes) {
                    AwsClients.sharedEventBridge(environment);
                }
            } catch (RuntimeException | LinkageError e) {
                log.warn(
                        "Could not prepare the SQS or EventBridge client during init ({}); its first use will try again.",
                        e.toString());
            }
        });
    }

    private static final ConcurrentHashMap<String, MemoryLedgerTable> SHARED_MEMORY = new ConcurrentHashMap<>();

    /**
     * The ledger the settings ask for. In memory it is shared by every handler of this class loader
     * for one work queue: on Lambda that is one container; locally, every container of one run.
     */
    private static JobLedger ledger(EngineSettings settings, Map<String, String> environment, Clock clock) {
        LedgerSettings ledgerSettings =
                LedgerSettings.of(settings.idempotencyTtl(), settings.jobDeadline(), settings.tolerance());
        return switch (settings.idempotency()) {
            case MEMORY ->
                new ContainerLedger(new Ledger(
                        SHARED_MEMORY.computeIfAbsent(
                                settings.queueUrl().or(settings::queueName).orElse(""),
                                queue -> new MemoryLedgerTable(clock)),
                        clock,
                        ledgerSettings,
                        Sleeper.system()));
            case DYNAMODB ->
                new Ledger(
                        new DynamoDbLedgerTable(
                                AwsClients.sharedDynamoDb(environment),
                                settings.idempotencyTable().orElseThrow()),
                        clock,
                        ledgerSettings,
                        Sleeper.system());
            case OFF -> JobLedger.none();
        };
    }
}
