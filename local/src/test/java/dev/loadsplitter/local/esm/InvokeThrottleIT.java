package dev.loadsplitter.local.esm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.loadsplitter.engine.internal.time.Sleeper;
import dev.loadsplitter.local.container.EnvironmentBudget;
import dev.loadsplitter.local.container.FunctionDefinition;
import dev.loadsplitter.local.container.FunctionLog;
import dev.loadsplitter.local.container.FunctionRuntime;
import dev.loadsplitter.local.container.InvocationListener;
import dev.loadsplitter.local.container.InvocationResult;
import dev.loadsplitter.local.container.Trigger;
import dev.loadsplitter.local.fault.FaultBroker;
import dev.loadsplitter.local.fault.FaultPlan;
import dev.loadsplitter.local.testfunction.FunctionJars;
import dev.loadsplitter.sqs.EmbeddedSqs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * {@code --invoke-throttle-rate}: the mapping's invocations throttled on top of the reserved
 * concurrency, as AWS throttles them. The function never runs, the records stay, and each comes back
 * after the visibility timeout with its receive count raised, until the redrive policy moves it to
 * the dead-letter queue unseen (reported: DataBiosphere/azul#3708).
 */
class InvokeThrottleIT {

    @AutoClose
    private static final EmbeddedSqs sqs = EmbeddedSqs.start();

    @TempDir
    static Path dir;

    private static Path jar;

    private final ConcurrentLinkedQueue<InvocationListener.Started> started = new ConcurrentLinkedQueue<>();
    private FunctionRuntime function;
    private EventSourceMapping mapping;

    @BeforeAll
    static void pack() {
        jar = FunctionJars.probeJar(dir);
    }

    @AfterEach
    void close() {
        if (mapping != null) {
            mapping.close();
        }
        if (function != null) {
            function.close();
        }
    }

    private EmbeddedSqs.QueuePair start(String name, double invokeThrottleRate, int maxReceiveCount) {
        EmbeddedSqs.QueuePair queues = sqs.createQueues(name, maxReceiveCount, Duration.ofSeconds(1));
        function = FunctionRuntime.builder(new FunctionDefinition(
                        "probe",
                        "dev.loadsplitter.local.testfunction.ProbeHandler",
                        jar,
                        512,
                        Duration.ofSeconds(10),
                        Map.of()))
                .arn("arn:aws:lambda:us-east-1:000000000000:function:probe")
                .reservedConcurrency(10)
                .clock(Clock.systemUTC())
                .functionLog(FunctionLog.none())
                .listener(new InvocationListener() {
                    @Override
                    public void started(Started invocation) {
                        started.add(invocation);
                    }
                })
                .faults(new FaultBroker(FaultPlan.none().withInvokeThrottleRate(invokeThrottleRate)))
                .budget(EnvironmentBudget.unlimited())
                .build();
        mapping = EventSourceMapping.builder()
                .queue(sqs.client(), queues.url(), queues.arn(), EmbeddedSqs.REGION)
                .function(function)
                .settings(new EsmSettings(1, Duration.ZERO, 2, true, true))
                .json(JsonMapper.builder().build())
                .trigger(Trigger.SQS)
                .clock(Clock.systemUTC())
                .sleeper(Sleeper.system())
                .build();
        return queues;
    }

    @Test
    void throttledInvocationsBurnTheReceiveCountUntilTheMessageIsDeadLetteredUnseen() {
        EmbeddedSqs.QueuePair queues = start("throttled", 1.0, 3);
        sqs.client().sendMessage(request -> request.queueUrl(queues.url()).messageBody("ok"));

        mapping.start();
        // ElasticMQ moves a message to the DLQ on the receive after its last: the pollers keep receiving.
        Awaitility.await("the message dead-lettered")
                .atMost(Duration.ofSeconds(30))
                .until(() -> sqs.depth(queues.dlqUrl()).total() == 1);

        List<Message> deadLettered = sqs.receiveAll(queues.dlqUrl());
        assertThat(deadLettered).extracting(Message::body).containsExactly("ok");
        assertThat(Integer.parseInt(
                        deadLettered.getFirst().attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)))
                .as("received (and throttled) three times by the mapping, once more here")
                .isGreaterThanOrEqualTo(4);
        assertThat(started).as("the function never ran").isEmpty();
        assertThat(function.invocations()).isZero();
        assertThat(mapping.throttledRecords()).isEqualTo(3);
        assertThat(function.faultCounts().throttledInvocations()).isEqualTo(3);
    }

    @Test
    void aThrottleIsAnsweredAsLambdaAnswersOneAndOnlyTheMappingsInvocationsAreThrottled() {
        start("direct", 1.0, 3);
        byte[] batch = "{\"Records\":[]}".getBytes(StandardCharsets.UTF_8);

        InvocationResult fromTheMapping =
                function.invoke(batch, Trigger.SQS, dev.loadsplitter.local.fault.InvocationIdentity.event(batch, 1));
        InvocationResult direct = function.invoke("whoami".getBytes(StandardCharsets.UTF_8), Trigger.SYNC);
        InvocationResult deadLetters = function.invoke(
                batch, Trigger.DEAD_LETTERS, dev.loadsplitter.local.fault.InvocationIdentity.event(batch, 1));

        assertThat(fromTheMapping).isEqualTo(InvocationResult.Throttled.injected(10));
        assertThat(new String(fromTheMapping.payload(), StandardCharsets.UTF_8))
                .contains("\"errorType\":\"TooManyRequestsException\"")
                .contains("--invoke-throttle-rate");
        assertThat(direct).isInstanceOf(InvocationResult.Success.class);
        assertThat(deadLetters).isInstanceOf(InvocationResult.Success.class);
    }
}
