package dev.loadsplitter.engine.internal.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.engine.message.Lineage;
import dev.loadsplitter.engine.message.SqsRecord;
import dev.loadsplitter.engine.message.SubTask;
import dev.loadsplitter.engine.message.SubTaskAttribute;
import dev.loadsplitter.engine.task.WorkContext;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeRequest;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/** DISPATCH=invoke: one asynchronous invocation per sub-task, its lineage in the payload. */
class InvokeSubTaskSenderTest {

    private final ObjectMapper json = EventJson.create();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<InvokeRequest> requests = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        executor.close();
    }

    /** A Lambda that answers every Invoke with {@code status}, or 500 for the payloads holding {@code failing}. */
    private LambdaClient lambda(int status, String failing) {
        return new LambdaClient() {
            @Override
            public InvokeResponse invoke(InvokeRequest request) {
                requests.add(request);
                boolean fails =
                        failing != null && request.payload().asUtf8String().contains(failing);
                return InvokeResponse.builder().statusCode(fails ? 500 : status).build();
            }

            @Override
            public String serviceName() {
                return "lambda";
            }

            @Override
            public void close() {}
        };
    }

    private static SubTask subTask(String sku, int index) {
        return new SubTask(
                "{\"order\":{\"lines\":[{\"sku\":\"" + sku + "\",\"qty\":1.50}]}}",
                new Lineage("job-1", Integer.toString(index), 1),
                index,
                2,
                1,
                "Order");
    }

    private InvokeSubTaskSender sender(LambdaClient lambda) {
        return new InvokeSubTaskSender(lambda, "load-splitter", 4, executor, json, Clock.systemUTC());
    }

    @Test
    void eachSubTaskIsOneAsynchronousInvocationOfTheFunctionWithItsLineageInThePayload() throws Exception {
        SendReport report = sender(lambda(202, null))
                .send(List.of(subTask("a", 1), subTask("b", 2)), new WorkContext("job-1", "", "req-1"));

        assertThat(report.sent()).isEqualTo(2);
        assertThat(requests).hasSize(2).allSatisfy(request -> {
            assertThat(request.functionName()).isEqualTo("load-splitter");
            assertThat(request.invocationType()).isEqualTo(InvocationType.EVENT);
        });
        JsonNode payload = json.readTree(requests.stream()
                .map(r -> r.payload().asUtf8String())
                .filter(p -> p.contains("\"a\""))
                .findFirst()
                .orElseThrow());
        SqsRecord record = SubTaskEnvelope.read(payload, "req-7").orElseThrow();
        assertThat(record.messageId()).isEqualTo("req-7");
        assertThat(record.body()).contains("{\"order\":{\"lines\":[{\"sku\":\"a\",\"qty\":1.50}]}}");
        assertThat(SubTaskAttribute.lineageOf(record.messageAttributes()))
                .isInstanceOfSatisfying(
                        SubTaskAttribute.ReceivedLineage.Known.class,
                        known -> assertThat(known.lineage()).isEqualTo(new Lineage("job-1", "1", 1)));
    }

    @Test
    void whatLambdaDidNotAcceptFailsTheSplitNamingHowManyWent() {
        InvokeSubTaskSender sender = sender(lambda(202, "\"b\""));

        assertThatThrownBy(() ->
                        sender.send(List.of(subTask("a", 1), subTask("b", 2)), new WorkContext("job-1", "", "req-1")))
                .isInstanceOf(SubTaskSendException.class)
                .hasMessageContaining("Queued 1 of 2 sub-tasks to function load-splitter")
                .hasMessageContaining("500");
    }
}
