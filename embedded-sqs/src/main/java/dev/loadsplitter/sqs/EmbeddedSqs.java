package dev.loadsplitter.sqs;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.ActorSystem;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.rest.sqs.TheSQSRestServerBuilder;
import org.elasticmq.server.ElasticMQServer;
import org.elasticmq.server.config.ElasticMQServerConfig;
import scala.Function0;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;

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
    /**
     * The access key the local runtime hands its functions. With a loopback endpoint it tells the
     * engine's clients that the server checks no signature, so they skip SigV4 signing.
     */
    public static final String ACCESS_KEY = "load-splitter-local";

    public static final String SECRET_KEY = "local";

    /** Connections the shared client keeps: enough for the pollers and deleters of 1,000 concurrent invocations. */
    private static final int MAX_CONNECTIONS = 512;

    private static final int CALLS_IN_FLIGHT = 8;

    private final Runnable stop;
    private final URI endpoint;
    private final SqsClient client;

    private EmbeddedSqs(Runnable stop, URI endpoint) {
        this.stop = stop;
        this.endpoint = endpoint;
        // No silent retries: a receive retried after the server already handed out messages would
        // hide them until their visibility timeout. Callers see each failure and decide.
        this.client = clientBuilder()
                .httpClient(Apache5HttpClient.builder()
                        .maxConnections(MAX_CONNECTIONS)
                        .build())
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
     * @throws PortUnavailableException when the address cannot be listened on (a port in use)
     * @throws IllegalStateException naming the port when it cannot be bound otherwise
     */
    public static EmbeddedSqs start(String host, int port) {
        ActorSystem actors = ActorSystem.create("elasticmq", serverConfig());
        TheSQSRestServerBuilder builder = SQSRestServerBuilder.withInterface(host)
                .withAWSRegion(REGION)
                .withAWSAccountId(ACCOUNT)
                .withActorSystem(actors);
        SQSRestServer server = null;
        int bound;
        try {
            server = (port == 0 ? builder.withDynamicPort() : builder.withPort(port)).start();
            bound = server.waitUntilStarted().localAddress().getPort();
        } catch (RuntimeException e) {
            if (server != null) {
                try {
                    server.stopAndWait();
                } catch (RuntimeException stopping) {
                    // A server that never bound throws its bind failure again when stopped.
                    if (stopping != e) {
                        e.addSuppressed(stopping);
                    }
                }
            }
            try {
                terminate(actors);
            } catch (RuntimeException terminating) {
                e.addSuppressed(terminating);
            }
            Optional<String> bind = PortUnavailableException.bindFailure(e);
            if (bind.isPresent()) {
                throw new PortUnavailableException("the embedded SQS server", host, port, bind.get(), e);
            }
            throw new IllegalStateException(
                    "Could not start the embedded SQS server on " + host + ":" + port + " (" + e.getMessage()
                            + "). Is another process using that port? Pick another one.",
                    e);
        }
        SQSRestServer started = server;
        // A provided actor system is the caller's to stop: ElasticMQ stops only the HTTP server.
        return new EmbeddedSqs(
                () -> {
                    try {
                        started.stopAndWait();
                    } finally {
                        terminate(actors);
                    }
                },
                URI.create("http://" + host + ":" + bound));
    }

    /**
     * The in-memory server's actor system: Pekko's default dispatcher sized to the machine's cores
     * (at least 2) instead of Pekko's floor of 8 threads. ElasticMQ's queue actors share the cores
     * with the runtime's invocations, and on two cores eight dispatcher threads made each request
     * dearer (docs/performance.md, 2026-12-06, evening). A {@code -Dpekko...} system property
     * still wins, as it does for ElasticMQ's own settings. Both dispatchers' threads hand an
     * {@link OutOfMemoryError} to the program's default uncaught-exception handler
     * ({@link OutOfMemoryRoutingExecutor}).
     * https://pekko.apache.org/docs/pekko/current/typed/dispatchers.html
     */
    static Config serverConfig() {
        ClassLoader loader = EmbeddedSqs.class.getClassLoader();
        return ConfigFactory.systemProperties()
                .withFallback(ConfigFactory.parseMap(Map.of(
                        "pekko.actor.default-dispatcher.fork-join-executor.parallelism-min",
                        2,
                        "pekko.actor.default-dispatcher.fork-join-executor.parallelism-factor",
                        1.0,
                        "pekko.actor.default-dispatcher.executor",
                        OutOfMemoryRoutingExecutor.class.getName(),
                        "pekko.actor.internal-dispatcher.executor",
                        OutOfMemoryRoutingExecutor.class.getName())))
                .withFallback(ConfigFactory.load(loader))
                .resolve();
    }

    private static void terminate(ActorSystem actors) {
        actors.terminate();
        try {
            actors.getWhenTerminated().toCompletableFuture().get(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("The embedded SQS server's actor system did not stop in a minute", e);
        }
    }

    /**
     * Starts on {@code host:port} with queues and messages kept in an H2 database under
     * {@code dataDirectory}, so a restart, even after {@code kill -9}, finds every queue and every
     * message that was acknowledged to its sender.
     */
    public static EmbeddedSqs startDurable(String host, int port, Path dataDirectory) {
        if (port == 0) {
            throw new IllegalArgumentException("A durable SQS server needs a fixed port: queue URLs name it");
        }
        try {
            Files.createDirectories(dataDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the data directory " + dataDirectory, e);
        }
        String h2 =
                dataDirectory.toAbsolutePath().resolve("elasticmq").toString().replace('\\', '/');
        Config config = ConfigFactory.parseMap(Map.of(
                        "node-address.host", host,
                        "node-address.port", port,
                        "rest-sqs.bind-port", port,
                        "rest-sqs.bind-hostname", host,
                        "aws.region", REGION,
                        "aws.accountId", ACCOUNT,
                        "messages-storage.enabled", true,
                        // WRITE_DELAY=0: H2 writes each commit before answering, not within half a second,
                        // so kill -9 loses nothing acknowledged.
                        // https://h2database.com/html/commands.html#set_write_delay
                        "messages-storage.uri", "jdbc:h2:" + h2 + ";WRITE_DELAY=0",
                        "messages-storage.prune-data-on-init", false))
                .withFallback(ConfigFactory.load(EmbeddedSqs.class.getClassLoader()));
        Function0<?> shutdown;
        try {
            shutdown = new ElasticMQServer(new ElasticMQServerConfig(config)).start();
        } catch (RuntimeException e) {
            Optional<String> bind = PortUnavailableException.bindFailure(e);
            if (bind.isPresent()) {
                throw new PortUnavailableException("the durable SQS server", host, port, bind.get(), e);
            }
            throw new IllegalStateException(
                    "Could not start the durable SQS server on " + host + ":" + port + " with data in " + dataDirectory
                            + " (" + e.getMessage() + "). Is another process using that port or directory?",
                    e);
        }
        URI endpoint = URI.create("http://" + host + ":" + port);
        awaitListening(host, port);
        return new EmbeddedSqs(shutdown::apply, endpoint);
    }

    private static void awaitListening(String host, int port) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                new java.net.Socket(host, port).close();
                return;
            } catch (IOException e) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        throw new IllegalStateException("The durable SQS server did not start listening on " + host + ":" + port);
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
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
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
        // The DLQ invokes the function too (its records are counted and parked): same visibility timeout.
        String dlqUrl = createOrUpdate(
                dlqName,
                Map.of(
                        QueueAttributeName.MESSAGE_RETENTION_PERIOD,
                                Long.toString(Duration.ofDays(14).toSeconds()),
                        QueueAttributeName.VISIBILITY_TIMEOUT, Long.toString(visibilityTimeout.toSeconds())));
        String dlqArn = arnOf(dlqUrl);
        String redrive = JsonNodeFactory.instance
                .objectNode()
                .put("deadLetterTargetArn", dlqArn)
                .put("maxReceiveCount", Integer.toString(maxReceiveCount))
                .toString();
        String url = createOrUpdate(
                name,
                Map.of(
                        QueueAttributeName.REDRIVE_POLICY,
                        redrive,
                        QueueAttributeName.VISIBILITY_TIMEOUT,
                        Long.toString(visibilityTimeout.toSeconds())));
        return new QueuePair(url, arnOf(url), dlqUrl, dlqArn);
    }

    /**
     * Creates a plain queue that keeps messages 14 days, such as an asynchronous invocation's
     * on-failure destination, or returns it when it exists.
     *
     * @return its URL
     */
    public String createQueue(String name) {
        return createOrUpdate(
                name,
                Map.of(
                        QueueAttributeName.MESSAGE_RETENTION_PERIOD,
                        Long.toString(Duration.ofDays(14).toSeconds())));
    }

    /**
     * Creates a plain queue that keeps messages 14 days and invokes a function through a mapping, so
     * its visibility timeout is the work queue's, or returns it when it exists.
     *
     * @return its URL
     */
    public String createQueue(String name, Duration visibilityTimeout) {
        return createOrUpdate(
                name,
                Map.of(
                        QueueAttributeName.MESSAGE_RETENTION_PERIOD,
                        Long.toString(Duration.ofDays(14).toSeconds()),
                        QueueAttributeName.VISIBILITY_TIMEOUT,
                        Long.toString(visibilityTimeout.toSeconds())));
    }

    /** The URL of queue {@code name} on this server. */
    public String queueUrl(String name) {
        return client.getQueueUrl(request -> request.queueName(name)).queueUrl();
    }

    /**
     * Creates the queue, or, when it exists with other attributes (a durable server restarted with
     * new settings), keeps it, with its messages, and sets the attributes asked for.
     */
    private String createOrUpdate(String name, Map<QueueAttributeName, String> attributes) {
        try {
            return client.createQueue(r -> r.queueName(name).attributes(attributes))
                    .queueUrl();
        } catch (QueueNameExistsException e) {
            String url = client.getQueueUrl(r -> r.queueName(name)).queueUrl();
            client.setQueueAttributes(r -> r.queueUrl(url).attributes(attributes));
            return url;
        }
    }

    /** The ARN of the queue at {@code queueUrl}, as SQS reports it. */
    public String arnOf(String queueUrl) {
        return client.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes()
                .get(QueueAttributeName.QUEUE_ARN);
    }

    /**
     * Removes from {@code queues.url()} the messages that are also in its dead-letter queue, and returns
     * how many. ElasticMQ's SQL storage does not record that a message moved to the DLQ left its
     * source queue, so after a restart such a message shows up in both (seen with 1.7.1); the copy in
     * the DLQ, with the same message id, is the true one. Everything else is made visible again.
     */
    public int dropDeadLetteredCopies(QueuePair queues) {
        return dropDeadLetteredCopies(queues, Set.of());
    }

    /**
     * The same, counting as dead-lettered too the messages {@code alsoDeadLettered} names: those
     * the function moved on from the DLQ, such as parked dead letters.
     */
    public int dropDeadLetteredCopies(QueuePair queues, Set<String> alsoDeadLettered) {
        Set<String> deadLettered = new HashSet<>(alsoDeadLettered);
        List<Message> inDlq = receiveAll(queues.dlqUrl());
        inDlq.forEach(message -> deadLettered.add(message.messageId()));
        release(queues.dlqUrl(), inDlq);
        List<Message> inQueue = receiveAll(queues.url());
        List<Message> keep = new ArrayList<>();
        List<Message> copies = new ArrayList<>();
        for (Message message : inQueue) {
            (deadLettered.contains(message.messageId()) ? copies : keep).add(message);
        }
        inBatches(
                copies,
                batch -> SqsBatches.delete(client, queues.url(), batch, SqsBatches.Retry.defaultRetry()),
                "delete");
        release(queues.url(), keep);
        return copies.size();
    }

    /**
     * Makes received messages visible again at once, ten to a {@code ChangeMessageVisibilityBatch}
     * call and a few calls at a time: a restarted durable server may hold tens of thousands.
     */
    public void release(String queueUrl, List<Message> messages) {
        inBatches(
                messages,
                batch -> SqsBatches.changeVisibility(client, queueUrl, batch, 0, SqsBatches.Retry.defaultRetry()),
                "make visible");
    }

    /**
     * Runs {@code call} on each batch of up to 10 messages, {@value #CALLS_IN_FLIGHT} calls at a time,
     * and fails naming how many entries the server refused: a message left behind would stay
     * hidden until its visibility timeout.
     */
    private void inBatches(
            List<Message> messages, Function<List<Message>, SqsBatches.Outcome<Message>> call, String what) {
        List<Callable<Integer>> calls = new ArrayList<>();
        for (List<Message> batch : SqsBatches.chunks(messages)) {
            calls.add(() -> call.apply(batch).failed().size());
        }
        int failed = 0;
        // A pool of CALLS_IN_FLIGHT threads bounds the calls; invokeAll keeps their order and, when
        // interrupted, cancels the rest.
        try (ExecutorService pool =
                Executors.newFixedThreadPool(CALLS_IN_FLIGHT, Thread.ofVirtual().factory())) {
            for (Future<Integer> result : pool.invokeAll(calls)) {
                failed += result.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Could not " + what + " messages on " + endpoint + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while trying to " + what + " messages on " + endpoint, e);
        }
        if (failed > 0) {
            throw new IllegalStateException("Could not " + what + " " + failed + " of " + messages.size()
                    + " messages on " + endpoint + "; they stay hidden until their visibility timeout");
        }
    }

    /** Messages on the queue: visible, in flight (received, not deleted) and delayed. */
    public QueueDepth depth(String queueUrl) {
        Map<QueueAttributeName, String> attributes = client.getQueueAttributes(r -> r.queueUrl(queueUrl)
                        .attributeNames(
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
                .attributes();
        return new QueueDepth(
                Integer.parseInt(attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")),
                Integer.parseInt(
                        attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0")),
                Integer.parseInt(
                        attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED, "0")));
    }

    /**
     * Receives until the queue answers empty, deleting nothing, hiding each message for a minute:
     * a look at what is queued, for tests and tools.
     */
    public List<Message> receiveAll(String queueUrl) {
        return SqsBatches.peek(client, queueUrl, Integer.MAX_VALUE, 60);
    }

    @Override
    public void close() {
        client.close();
        stop.run();
    }

    /** A work queue and its dead-letter queue. */
    public record QueuePair(String url, String arn, String dlqUrl, String dlqArn) {}

    /** Approximate message counts, as SQS reports them. */
    public record QueueDepth(int visible, int inFlight, int delayed) {

        public int total() {
            return visible + inFlight + delayed;
        }
    }
}
