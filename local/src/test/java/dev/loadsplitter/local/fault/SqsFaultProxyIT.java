package dev.loadsplitter.local.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.loadsplitter.local.fault.CallFaults.Decision;
import dev.loadsplitter.sqs.EmbeddedSqs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * The function's SQS calls through the fault proxy, with the AWS SDK as the function uses it:
 * each decision of {@link CallFaults} acted on as SQS and the network would, and a request for
 * anywhere but this endpoint answered 400.
 */
class SqsFaultProxyIT {

    private static final String TRACE = "Root=1-6756f1a0-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=0";

    private static EmbeddedSqs sqs;

    private final ConcurrentLinkedQueue<CallFaults.Call> asked = new ConcurrentLinkedQueue<>();
    private String queueUrl;
    private SqsFaultProxy proxy;

    @BeforeAll
    static void startSqs() {
        sqs = EmbeddedSqs.start();
    }

    @AfterAll
    static void stopSqs() {
        sqs.close();
    }

    @BeforeEach
    void freshQueue() {
        queueUrl = sqs.createQueue("proxy-" + System.nanoTime());
    }

    @AfterEach
    void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    /** A proxy whose first decision is {@code first} and every later one APPLY. */
    private SqsFaultProxy proxy(Decision first) {
        AtomicInteger calls = new AtomicInteger();
        proxy = SqsFaultProxy.start(
                sqs.endpoint(),
                call -> {
                    asked.add(call);
                    return calls.getAndIncrement() == 0 ? first : Decision.APPLY;
                },
                0,
                1);
        return proxy;
    }

    /** The function's client: the SDK's standard retries, and the invocation's trace header on every call. */
    private SqsClient client(boolean retries) {
        return sqs.clientBuilder()
                .endpointOverride(proxy.endpoint())
                .overrideConfiguration(override -> {
                    override.addExecutionInterceptor(new ExecutionInterceptor() {
                        @Override
                        public SdkHttpRequest modifyHttpRequest(
                                Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
                            return context.httpRequest()
                                    .copy(request -> request.putHeader(TraceHeader.HTTP_HEADER, TRACE));
                        }
                    });
                    if (!retries) {
                        override.retryStrategy(AwsRetryStrategy.doNotRetry());
                    }
                })
                .build();
    }

    private List<Message> messages() {
        return sqs.receiveAll(queueUrl);
    }

    @ParameterizedTest
    @EnumSource(
            value = Decision.class,
            names = {"LOSE_ANSWER_500", "LOSE_ANSWER_RESET"})
    void aLostAnswersMessageIsThereAndTheSdksRetrySendsItAgainAsOnSqs(Decision lost) {
        proxy(lost);
        try (SqsClient client = client(true)) {

            String id = client.sendMessage(request -> request.queueUrl(queueUrl).messageBody("once"))
                    .messageId();

            List<Message> queued = messages();
            assertThat(queued).extracting(Message::body).containsExactly("once", "once");
            assertThat(queued).extracting(Message::messageId).contains(id).doesNotHaveDuplicates();
            assertThat(proxy.lostAnswers()).isEqualTo(1);
            assertThat(proxy.forwarded()).isEqualTo(2);
        }
    }

    @Test
    void aDeadContainersCallIsRefusedAndNeverReachesSqs() {
        proxy(Decision.REFUSE);
        try (SqsClient client = client(false)) {

            assertThatThrownBy(() -> client.sendMessage(
                            request -> request.queueUrl(queueUrl).messageBody("late")))
                    .isInstanceOf(SdkClientException.class);

            assertThat(proxy.refused()).isEqualTo(1);
            assertThat(proxy.forwarded()).isZero();
            assertThat(messages()).isEmpty();
        }
    }

    @Test
    void aCrashAfterACallAppliesItAndDropsTheConnection() {
        proxy(Decision.CRASH_AFTER);
        try (SqsClient client = client(false)) {

            assertThatThrownBy(() -> client.sendMessage(
                            request -> request.queueUrl(queueUrl).messageBody("last")))
                    .isInstanceOf(SdkClientException.class);

            assertThat(messages()).extracting(Message::body).containsExactly("last");
            assertThat(proxy.crashes()).isEqualTo(1);
        }
    }

    @Test
    void aThrottledCallIsAnsweredAsSqsThrottlesAndAppliesNothing() {
        proxy(Decision.THROTTLE);
        try (SqsClient client = client(false)) {

            assertThatThrownBy(() -> client.sendMessage(
                            request -> request.queueUrl(queueUrl).messageBody("no")))
                    .isInstanceOfSatisfying(
                            SqsException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException"));

            assertThat(messages()).isEmpty();
            assertThat(proxy.forwarded()).isZero();
        }
    }

    @Test
    void aConflictIsForDynamoDbSoSqsAppliesTheCall() {
        proxy(Decision.CONFLICT);
        try (SqsClient client = client(false)) {

            client.sendMessage(request -> request.queueUrl(queueUrl).messageBody("as usual"));

            assertThat(messages()).extracting(Message::body).containsExactly("as usual");
        }
    }

    @Test
    void eachCallIsAskedAboutWithItsOperationAndTraceHeaderInBothProtocols() throws Exception {
        proxy(Decision.APPLY);
        try (SqsClient client = client(false)) {
            client.sendMessage(request -> request.queueUrl(queueUrl).messageBody("json"));
            HttpClient http = HttpClient.newHttpClient();
            // The query protocol, as older SDKs and the AWS CLI v1 speak it: a form, or the query string.
            HttpResponse<String> form = http.send(
                    HttpRequest.newBuilder(proxy.endpoint())
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString("Action=ListQueues&Version=2012-11-05"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> query = http.send(
                    HttpRequest.newBuilder(URI.create(proxy.endpoint() + "/?Action=GetQueueUrl&QueueName="
                                    + queueUrl.substring(queueUrl.lastIndexOf('/') + 1)))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(form.statusCode()).isEqualTo(200);
            assertThat(query.statusCode()).isEqualTo(200);
            assertThat(asked)
                    .containsExactly(
                            new CallFaults.Call("sqs", "SendMessage", Optional.of(TRACE)),
                            new CallFaults.Call("sqs", "ListQueues", Optional.empty()),
                            new CallFaults.Call("sqs", "GetQueueUrl", Optional.empty()));
        }
    }

    @Test
    void anAbsoluteFormRequestTargetIsAnswered400AndNeverForwarded() throws Exception {
        AtomicInteger elsewhereSaw = new AtomicInteger();
        HttpServer elsewhere = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        elsewhere.createContext("/", exchange -> {
            elsewhereSaw.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        elsewhere.start();
        try {
            proxy(Decision.APPLY);
            String other = "127.0.0.1:" + elsewhere.getAddress().getPort();
            String sqsItself = sqs.endpoint().getRawAuthority();

            String toElsewhere = rawRequest(
                    "GET http://" + other + "/secret HTTP/1.1\r\nHost: " + other + "\r\nConnection: close\r\n\r\n");
            String toSqs = rawRequest("POST http://" + sqsItself + "/ HTTP/1.1\r\nHost: " + sqsItself
                    + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 17\r\n"
                    + "Connection: close\r\n\r\nAction=ListQueues");

            assertThat(toElsewhere).startsWith("HTTP/1.1 400").contains("InvalidAddress");
            assertThat(toSqs).startsWith("HTTP/1.1 400");
            assertThat(elsewhereSaw).hasValue(0);
            assertThat(proxy.forwarded()).isZero();
            assertThat(proxy.rejected()).isEqualTo(2);
            assertThat(asked).isEmpty();
        } finally {
            elsewhere.stop(0);
        }
    }

    /** Writes {@code request} as it is, with the absolute-form target no HTTP client library sends, and reads the answer. */
    private String rawRequest(String request) throws IOException {
        try (Socket socket =
                new Socket(InetAddress.getLoopbackAddress(), proxy.endpoint().getPort())) {
            socket.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
