package dev.loadsplitter.sqs;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.rest.sqs.TheSQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A real SQS-protocol server (ElasticMQ) on a loopback port, and a real SDK client pointed at it.
 *
 * <p>ARNs use a realistic region and account, so events built from them look like AWS's. ElasticMQ
 * moves a message to the dead-letter queue lazily, on the first receive after its last allowed one.
 */
public final class EmbeddedSqs implements AutoCloseable {

    public static final String REGION = "us-east-1";
    public static final String ACCOUNT = "000000000000";
    /** ElasticMQ accepts any credentials; these are what the local runtime hands its functions. */
    public static final String ACCESS_KEY = "local";
    public static final String SECRET_KEY = "local";

    /** Connections the shared client keeps: enough for the pollers and deleters of 1,000 concurrent invocations. */
    private static final int MAX_CONNECTIONS = 512;

    private final SQSRestServer server;
    private final URI endpoint;
    private final SqsClient client;

    private EmbeddedSqs(SQSRestServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
        // No silent retries: a receive retried after the server already handed out messages would
        // hide them until their visibility timeout. Callers see each failure and decide.
        this.client = clientBuilder()
                .httpClient(Apache5HttpClient.builder().maxConnections(MAX_CONNECTIONS).build())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    /** Starts on a free loopback port. */
    public static EmbeddedSqs start() {
        return start("127.0.0.1", 0);
    }

    /**
     * Starts on {@code host:port}; port 0 picks a free one.
     *
     * @throws IllegalStateException naming the port when it cannot be bound
     */
    public static EmbeddedSqs start(String host, int port) {
        TheSQSRestServerBuilder builder = SQSRestServerBuilder.withInterface(host)
                .withAWSRegion(REGION)
                .withAWSAccountId(ACCOUNT);
        SQSRestServer server = (port == 0 ? builder.withDynamicPort() : builder.withPort(port)).start();
        int bound;
        try {
            bound = server.waitUntilStarted().localAddress().getPort();
        } catch (RuntimeException e) {
            server.stopAndWait();
            throw new IllegalStateException("Could not start the embedded SQS server on " + host + ":" + port
                    + " (" + e.getMessage() + "). Is another process using that port? Pick another one.", e);
        }
        return new EmbeddedSqs(server, URI.create("http://" + host + ":" + bound));
    }

    public URI endpoint() {
        return endpoint;
    }

    public SqsClient client() {
        return client;
    }

    /**
     * A builder with the endpoint, region and credentials set, and the lean url-connection HTTP client a
     * function uses, for clients with extra configuration.
     */
    public SqsClientBuilder clientBuilder() {
        return SqsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClient(UrlConnectionHttpClient.builder().build());
    }

    /** The environment a function needs to reach this server and send to {@code queueUrl}, as Lambda would set it. */
    public Map<String, String> environment(String queueUrl) {
        return Map.of(
                "QUEUE_URL", queueUrl,
                "AWS_ENDPOINT_URL_SQS", endpoint.toString(),
                "AWS_REGION", REGION,
                "AWS_ACCESS_KEY_ID", ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    }

    /** Creates {@code name} and {@code name-dlq}, redriving after {@code maxReceiveCount} receives. */
    public QueuePair createQueues(String name, int maxReceiveCount, Duration visibilityTimeout) {
        return createQueues(name, name + "-dlq", maxReceiveCount, visibilityTimeout);
    }

    /**
     * Creates a work queue and its dead-letter queue, or returns them when they exist. The DLQ keeps
     * messages 14 days, the most SQS allows, as the deployment does.
     */
    public QueuePair createQueues(String name, String dlqName, int maxReceiveCount, Duration visibilityTimeout) {
        if (maxReceiveCount < 1) {
            throw new IllegalArgumentException("maxReceiveCount must be at least 1, got " + maxReceiveCount);
        }
        String dlqUrl = client.createQueue(r -> r.queueName(dlqName).attributes(Map.of(
                QueueAttributeName.MESSAGE_RETENTION_PERIOD, Long.toString(Duration.ofDays(14).toSeconds())))).queueUrl();
        String dlqArn = arnOf(dlqUrl);
        String redrive = "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}";
        String url = client.createQueue(r -> r.queueName(name).attributes(Map.of(
                QueueAttributeName.REDRIVE_POLICY, redrive,
                QueueAttributeName.VISIBILITY_TIMEOUT, Long.toString(visibilityTimeout.toSeconds())))).queueUrl();
        return new QueuePair(url, arnOf(url), dlqUrl, dlqArn);
    }

    private String arnOf(String queueUrl) {
        return client.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /** Messages on the queue: visible, in flight (received, not deleted) and delayed. */
    public QueueDepth depth(String queueUrl) {
        Map<QueueAttributeName, String> attributes = client.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return new QueueDepth(
                Integer.parseInt(attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")),
                Integer.parseInt(attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0")),
                Integer.parseInt(attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED, "0")));
    }

    /**
     * Receives until the queue answers empty, deleting nothing, hiding each message for a minute:
     * a look at what is queued, for tests and tools.
     */
    public List<Message> receiveAll(String queueUrl) {
        List<Message> all = new ArrayList<>();
        while (true) {
            List<Message> page = client.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                    .visibilityTimeout(60)
                    .waitTimeSeconds(0)).messages();
            if (page.isEmpty()) {
                return all;
            }
            all.addAll(page);
        }
    }

    @Override
    public void close() {
        client.close();
        server.stopAndWait();
    }

    /** A work queue and its dead-letter queue. */
    public record QueuePair(String url, String arn, String dlqUrl, String dlqArn) {
    }

    /** Approximate message counts, as SQS reports them. */
    public record QueueDepth(int visible, int inFlight, int delayed) {

        public int total() {
            return visible + inFlight + delayed;
        }
    }
}
