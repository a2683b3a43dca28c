package dev.loadsplitter.engine.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.utilslite.SdkInternalThreadLocal;

/**
 * The trace header Lambda's runtime puts in the SDK's thread local reaches every call of a
 * function whose environment is a map, from the invocation's thread and from its child threads.
 */
class LambdaTraceHeaderTest {

    private static final String TRACE = "Root=1-6756f1a0-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=0";

    private HttpServer server;
    /** The header of each request the server saw, empty when it had none. */
    private final ConcurrentLinkedQueue<Optional<String>> seen = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            seen.add(Optional.ofNullable(exchange.getRequestHeaders().getFirst(LambdaTraceHeader.HEADER)));
            exchange.getRequestBody().readAllBytes();
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    @AfterEach
    void stop() {
        SdkInternalThreadLocal.clear();
        server.stop(0);
    }

    private Map<String, String> environment(boolean onLambda) {
        Map<String, String> environment = new HashMap<>(Map.of(
                "AWS_ENDPOINT_URL_SQS",
                "http://127.0.0.1:" + server.getAddress().getPort(),
                "AWS_REGION",
                "us-east-1",
                "AWS_ACCESS_KEY_ID",
                AwsClients.LOCAL_RUNTIME_KEY,
                "AWS_SECRET_ACCESS_KEY",
                "local"));
        if (onLambda) {
            environment.put("AWS_LAMBDA_FUNCTION_NAME", "load-splitter");
        }
        return environment;
    }

    @Test
    void aCallOnTheInvocationsThreadCarriesItsTraceHeader() {
        try (SqsClient sqs = AwsClients.sqs(environment(true))) {
            SdkInternalThreadLocal.put(LambdaTraceHeader.TRACE_ID_KEY, TRACE);
            sqs.listQueues();
        }

        assertThat(seen).containsExactly(Optional.of(TRACE));
    }

    @Test
    void callsFromChildVirtualThreadsOfTheInvocationCarryItToo() throws Exception {
        // As the engine builds it: once per container, before any invocation has a trace header.
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        try (SqsClient sqs = AwsClients.sqs(environment(true));
                executor) {
            SdkInternalThreadLocal.put(LambdaTraceHeader.TRACE_ID_KEY, TRACE);
            // A thread-per-task executor starts each task's thread on submit, from the submitting thread, so
            // the task inherits the invocation's map (SdkInternalThreadLocal is an InheritableThreadLocal<Map>).
            List<Future<?>> calls = List.of(
                    executor.submit(() -> sqs.listQueues()),
                    executor.submit(() -> sqs.listQueues()),
                    executor.submit(() -> sqs.listQueues()));
            for (Future<?> call : calls) {
                call.get();
            }
        }

        assertThat(seen).hasSize(3).containsOnly(Optional.of(TRACE));
    }

    @Test
    void aChildThreadSharesItsParentsMapSoItLosesTheHeaderWhenTheInvocationEnds() throws Exception {
        CountDownLatch firstCall = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        try (SqsClient sqs = AwsClients.sqs(environment(true))) {
            SdkInternalThreadLocal.put(LambdaTraceHeader.TRACE_ID_KEY, TRACE);
            Thread child = Thread.ofVirtual().start(() -> {
                sqs.listQueues();
                firstCall.countDown();
                try {
                    ended.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                // Background work after its invocation: the runtime removed the key from the shared map.
                sqs.listQueues();
            });
            firstCall.await();
            SdkInternalThreadLocal.remove(LambdaTraceHeader.TRACE_ID_KEY);
            ended.countDown();
            child.join();
        }

        assertThat(seen).containsExactly(Optional.of(TRACE), Optional.empty());
    }

    @Test
    void outsideLambdaNoHeaderIsAdded() {
        try (SqsClient sqs = AwsClients.sqs(environment(false))) {
            SdkInternalThreadLocal.put(LambdaTraceHeader.TRACE_ID_KEY, TRACE);
            sqs.listQueues();
        }

        assertThat(seen).containsExactly(Optional.empty());
    }

    @Test
    void withoutAnInvocationNoHeaderIsAdded() {
        try (SqsClient sqs = AwsClients.sqs(environment(true))) {
            sqs.listQueues();
        }

        assertThat(seen).containsExactly(Optional.empty());
    }

    @Test
    void aHeaderAlreadySetIsKept() {
        // In a function's own JVM the SDK's TraceIdExecutionInterceptor runs first and sets the header.
        LambdaTraceHeader interceptor = new LambdaTraceHeader();
        ExecutionAttributes attributes = new ExecutionAttributes();
        SdkInternalThreadLocal.put(LambdaTraceHeader.TRACE_ID_KEY, TRACE);
        interceptor.beforeExecution(null, attributes);
        SdkHttpRequest request = SdkHttpRequest.builder()
                .uri(URI.create("http://127.0.0.1/"))
                .method(SdkHttpMethod.POST)
                .putHeader(LambdaTraceHeader.HEADER, "Root=1-00000000-set-before")
                .build();

        SdkHttpRequest sent = interceptor.modifyHttpRequest(
                new Context.ModifyHttpRequest() {
                    @Override
                    public SdkRequest request() {
                        return null;
                    }

                    @Override
                    public SdkHttpRequest httpRequest() {
                        return request;
                    }

                    @Override
                    public Optional<RequestBody> requestBody() {
                        return Optional.empty();
                    }

                    @Override
                    public Optional<AsyncRequestBody> asyncRequestBody() {
                        return Optional.empty();
                    }
                },
                attributes);

        assertThat(sent.headers().get(LambdaTraceHeader.HEADER)).containsExactly("Root=1-00000000-set-before");
    }
}
