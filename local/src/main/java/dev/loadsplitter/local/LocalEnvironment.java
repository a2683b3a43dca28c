package dev.loadsplitter.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.message.SubTaskAttribute;
import dev.loadsplitter.local.container.FunctionDefinition;
import dev.loadsplitter.local.container.FunctionRuntime;
import dev.loadsplitter.local.container.InvocationListener;
import dev.loadsplitter.local.esm.EventSourceMapping;
import dev.loadsplitter.local.fault.SqsFaultProxy;
import dev.loadsplitter.engine.internal.json.EventJson;
import dev.loadsplitter.engine.internal.time.Sleeper;
import dev.loadsplitter.local.invoke.AsyncInvoker;
import dev.loadsplitter.local.invoke.DestinationRecord;
import dev.loadsplitter.sqs.EmbeddedSqs;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import dev.loadsplitter.local.report.RunSummary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The whole system on one machine: an embedded SQS server with the work queue and its DLQ, the
 * function in its containers, the event source mapping between them, and asynchronous
 * invocations as EventBridge makes them. Close it to stop everything.
 */
public final class LocalEnvironment implements AutoCloseable {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LocalEnvironment.class);

    private final LocalSettings settings;
    private final EmbeddedSqs sqs;
    private final EmbeddedSqs.QueuePair queues;
    private final FunctionRuntime function;
    private final EventSourceMapping mapping;
    private final AsyncInvoker async;
    private final String functionArn;
    private final SqsFaultProxy faultProxy;

    private LocalEnvironment(LocalSettings settings, EmbeddedSqs sqs, EmbeddedSqs.QueuePair queues,
                             FunctionRuntime function, EventSourceMapping mapping, AsyncInvoker async,
                             String functionArn, SqsFaultProxy faultProxy) {
        this.settings = settings;
        this.sqs = sqs;
        this.queues = queues;
        this.function = function;
        this.mapping = mapping;
        this.async = async;
        this.functionArn = functionArn;
        this.faultProxy = faultProxy;
    }

    /** SQS requests of the function answered with an injected error so far. */
    public long sqsFaults() {
        return faultProxy == null ? 0 : faultProxy.faults();
    }

    /**
     * Starts the server, creates the queues, loads the function and starts the mapping (unless disabled).
     *
     * @param listener hears every invocation
     * @param functionLog where the function's {@code LambdaLogger} writes
     */
    public static LocalEnvironment start(LocalSettings settings, InvocationListener listener, PrintStream functionLog) {
        EmbeddedSqs sqs = settings.dataDirectory()
                .map(directory -> EmbeddedSqs.startDurable(settings.sqsHost(), settings.sqsPort(), directory))
                .orElseGet(() -> EmbeddedSqs.start(settings.sqsHost(), settings.sqsPort()));
        try {
            EmbeddedSqs.QueuePair queues = sqs.createQueues(settings.queueName(), settings.dlqName(),
                    settings.maxReceiveCount(), settings.visibilityTimeout());
            if (settings.dataDirectory().isPresent()) {
                int dropped = sqs.dropDeadLetteredCopies(queues);
                if (dropped > 0) {
                    log.info("Restored queues: removed {} stale copies of dead-lettered messages from {}", dropped,
                            settings.queueName());
                }
            }
            Map<String, String> environment = new HashMap<>(settings.environment());
            environment.putAll(sqs.environment(queues.url()));
            SqsFaultProxy proxy = null;
            if (settings.sqsFaultRate() > 0) {
                // The function reaches SQS through the proxy; the runtime's own polling does not.
                proxy = SqsFaultProxy.start(sqs.endpoint(), settings.sqsFaultRate(), settings.faults().seed());
                environment.put("AWS_ENDPOINT_URL_SQS", proxy.endpoint().toString());
            }
            FunctionDefinition definition = new FunctionDefinition(settings.functionName(), settings.handler(),
                    settings.functionJar(), settings.memoryMb(), settings.functionTimeout(), environment);
            String arn = "arn:aws:lambda:" + EmbeddedSqs.REGION + ":" + EmbeddedSqs.ACCOUNT + ":function:"
                    + settings.functionName();
            FunctionRuntime function = new FunctionRuntime(definition, arn, settings.reservedConcurrency(),
                    Clock.systemUTC(), functionLog, listener, settings.faults());
            ObjectMapper json = EventJson.create();
            EventSourceMapping mapping = new EventSourceMapping(sqs.client(), queues.url(), queues.arn(),
                    EmbeddedSqs.REGION, function, settings.esm(), json);
            String failedEventsUrl = sqs.createQueue(settings.failedEventsName());
            AsyncInvoker async = new AsyncInvoker(function, AsyncInvoker.DEFAULT_RETRIES, settings.asyncRetryPause(),
                    Sleeper.system(), failed -> sqs.client().sendMessage(request -> request.queueUrl(failedEventsUrl)
                            .messageBody(destinationRecord(json, arn, failed).toJson().toString())));
            mapping.start();
            return new LocalEnvironment(settings, sqs, queues, function, mapping, async, arn, proxy);
        } catch (RuntimeException e) {
            sqs.close();
            throw e;
        }
    }

    /** Lambda's invocation record for an event that failed every attempt. */
    private static DestinationRecord destinationRecord(ObjectMapper json, String functionArn, AsyncInvoker.FailedEvent failed) {
        JsonNode request;
        JsonNode response;
        try {
            request = json.readTree(failed.payload());
        } catch (IOException e) {
            request = json.getNodeFactory().textNode(new String(failed.payload(), StandardCharsets.UTF_8));
        }
        try {
            response = json.readTree(failed.lastError());
        } catch (IOException e) {
            response = json.createObjectNode().put("errorMessage", failed.lastError());
        }
        return new DestinationRecord(UUID.randomUUID().toString(), functionArn + ":$LATEST", "RetriesExhausted",
                failed.attempts(), Instant.now(), request, response);
    }

    /** The URL of the asynchronous invocations' on-failure destination, {@code <function>-failed-events}. */
    public String failedEventsUrl() {
        return sqs.queueUrl(settings.failedEventsName());
    }

    public LocalSettings settings() {
        return settings;
    }

    public EmbeddedSqs sqs() {
        return sqs;
    }

    public EmbeddedSqs.QueuePair queues() {
        return queues;
    }

    public FunctionRuntime function() {
        return function;
    }

    public EventSourceMapping mapping() {
        return mapping;
    }

    public AsyncInvoker async() {
        return async;
    }

    /** The function's ARN, as the context and the Lambda API report it. */
    public String functionArn() {
        return functionArn;
    }

    /** True when nothing is left to do: no event waiting, no invocation running, no message queued or in flight. */
    public boolean isDrained() {
        return async.pending() == 0 && mapping.inFlight() == 0 && function.busy() == 0
                && sqs.depth(queues.url()).total() == 0;
    }

    /**
     * Waits until the run is drained, checking twice in a row so a message between a send and a
     * receive is not missed.
     *
     * @return whether it drained before {@code timeout}
     */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int quiet = 0;
        while (System.nanoTime() < deadline) {
            quiet = isDrained() ? quiet + 1 : 0;
            if (quiet >= 2) {
                return true;
            }
            Thread.sleep(25);
        }
        return false;
    }

    /** Messages in the dead-letter queue now. */
    public int deadLettered() {
        return sqs.depth(queues.dlqUrl()).total();
    }

    /** The sub-tasks in the dead-letter queue now, by their message attributes. */
    public List<RunSummary.DeadLetter> deadLetters() {
        List<RunSummary.DeadLetter> deadLetters = new ArrayList<>();
        for (Message message : sqs.receiveAll(queues.dlqUrl())) {
            Map<String, String> attributes = SubTaskAttribute.stringsOf(message.messageAttributes());
            deadLetters.add(new RunSummary.DeadLetter(SubTaskAttribute.taskIdOr(attributes, message.messageId()),
                    SubTaskAttribute.ITEM_COUNT.intIn(attributes, 1)));
        }
        return deadLetters;
    }

    /**
     * Stops polling, lets invocations in flight finish up to {@code grace}, then stops everything.
     * Messages not yet delivered stay on the queue for as long as the server runs.
     */
    public void stop(Duration grace) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            mapping.stop(grace);
            async.close();
            while (function.busy() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } finally {
            function.close();
            if (faultProxy != null) {
                faultProxy.close();
            }
            sqs.close();
        }
    }

    /** Stops everything, giving invocations in flight 5 seconds. */
    @Override
    public void close() {
        try {
            stop(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
