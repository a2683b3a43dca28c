package dev.loadsplitter.engine.testing;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A real SQS-protocol server (ElasticMQ) on a free loopback port, with a work queue and its
 * dead-letter queue, and a real SDK client pointed at it. Start one per test class.
 */
public final class EmbeddedSqs implements AutoCloseable {

    public static final String REGION = "us-east-1";
    public static final String ACCOUNT = "111122223333";

    private final SQSRestServer server;
    private final URI endpoint;
    private final SqsClient client;

    private EmbeddedSqs(SQSRestServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
        this.client = clientBuilder().build();
    }

    public static EmbeddedSqs start() {
        SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1")
                .withDynamicPort()
                .withAWSRegion(REGION)
                .withAWSAccountId(ACCOUNT)
                .start();
        int port = server.waitUntilStarted().localAddress().getPort();
        return new EmbeddedSqs(server, URI.create("http://127.0.0.1:" + port));
    }

    public URI endpoint() {
        return endpoint;
    }

    public SqsClient client() {
        return client;
    }

    /** A builder with the endpoint, region and dummy credentials set, for clients with extra configuration. */
    public software.amazon.awssdk.services.sqs.SqsClientBuilder clientBuilder() {
        return SqsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.builder().build())
                .overrideConfiguration(ClientOverrideConfiguration.builder().build());
    }

    /** The environment a function needs to reach this server, as Lambda would hand it over. */
    public Map<String, String> environment(String queueUrl) {
        return Map.of(
                "QUEUE_URL", queueUrl,
                "AWS_ENDPOINT_URL_SQS", endpoint.toString(),
                "AWS_REGION", REGION,
                "AWS_ACCESS_KEY_ID", "test",
                "AWS_SECRET_ACCESS_KEY", "test");
    }

    /** Creates {@code name} and {@code name-dlq}, redriving after {@code maxReceiveCount} receives. */
    public QueuePair createQueues(String name, int maxReceiveCount, Duration visibilityTimeout) {
        String dlqUrl = client.createQueue(r -> r.queueName(name + "-dlq")).queueUrl();
        String dlqArn = client.getQueueAttributes(r -> r.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String redrive = "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}";
        String url = client.createQueue(r -> r.queueName(name).attributes(Map.of(
                QueueAttributeName.REDRIVE_POLICY, redrive,
                QueueAttributeName.VISIBILITY_TIMEOUT, Long.toString(visibilityTimeout.toSeconds())))).queueUrl();
        return new QueuePair(url, dlqUrl);
    }

    /** Receives until the queue answers empty, deleting nothing; messages come back after their visibility timeout. */
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
    public record QueuePair(String url, String dlqUrl) {
    }
}
