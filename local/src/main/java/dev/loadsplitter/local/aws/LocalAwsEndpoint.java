package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadsplitter.engine.internal.time.Sleeper;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.local.fault.CallFaults;
import dev.loadsplitter.local.fault.CallFaults.Decision;
import dev.loadsplitter.sqs.PortUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP endpoint that speaks two AWS JSON protocols, told apart by {@code X-Amz-Target}:
 * DynamoDB ({@code DynamoDB_20120810.*}: tables with per-item locks, transactions that hold their
 * items pending, per-item throttling, TTL) and EventBridge ({@code AWSEvents.PutEvents}, events kept),
 * plus {@code LoadSplitterLocal.ListEvents} to read the events back. The function reaches it through
 * the SDK's standard {@code AWS_ENDPOINT_URL_DYNAMODB} and {@code AWS_ENDPOINT_URL_EVENTBRIDGE}, so the
 * same jar keeps its job records and publishes its completion events here as it does on AWS.
 *
 * <p>Before it applies a DynamoDB or EventBridge request it asks its {@link CallFaults} what goes
 * wrong with it, and fails it as AWS would: refused unanswered, applied with its answer lost (a 500,
 * or the connection dropped), a transaction conflict, or throttled. With a data directory every
 * table and the bus are kept there, each change handed to the operating system before the answer.
 */
public final class LocalAwsEndpoint implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalAwsEndpoint.class);
    private static final String DYNAMODB = "DynamoDB_20120810.";
    private static final String EVENTBRIDGE = "AWSEvents.";
    private static final String OURS = "LoadSplitterLocal.";
    private static final String DYNAMODB_ERROR = "com.amazonaws.dynamodb.v20120810#";

    private JsonHttpServer server;
    /** The threads answering a request now, so close can let them finish (and cut transaction windows short). */
    private final Set<Thread> answering = ConcurrentHashMap.newKeySet();

    private final ScheduledExecutorService sweeper;
    private final DynamoDbApi dynamoDb;
    private final EventBridgeBus eventBridge;
    private final CallFaults faults;
    private final ObjectMapper json;
    private final ChangeLog changeLog;
    private final Optional<FileLock> directoryLock;

    private LocalAwsEndpoint(
            DynamoDbApi dynamoDb,
            EventBridgeBus eventBridge,
            CallFaults faults,
            ObjectMapper json,
            ChangeLog changeLog,
            Optional<FileLock> directoryLock) {
        this.dynamoDb = dynamoDb;
        this.eventBridge = eventBridge;
        this.faults = faults;
        this.json = json;
        this.changeLog = changeLog;
        this.directoryLock = directoryLock;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("local-aws-sweep").factory());
    }

    /**
     * Starts serving on {@code host:port} (0 for a free port) with {@link LocalAwsSettings#defaults()} and
     * no faults.
     *
     * @throws UncheckedIOException naming the address when it cannot be bound
     */
    public static LocalAwsEndpoint start(String host, int port, Clock clock) {
        return start(host, port, clock, LocalAwsSettings.defaults(), CallFaults.NONE);
    }

    /** Starts serving with {@code settings}, asking {@code faults} about every request. */
    public static LocalAwsEndpoint start(
            String host, int port, Clock clock, LocalAwsSettings settings, CallFaults faults) {
        return start(host, port, clock, Sleeper.system(), settings, faults);
    }

    /**
     * Starts serving, waiting out transaction windows with {@code sleeper} (a test's, to hold a
     * transaction pending until it says so).
     *
     * @throws UncheckedIOException naming the address or the data directory when it cannot be used
     */
    public static LocalAwsEndpoint start(
            String host, int port, Clock clock, Sleeper sleeper, LocalAwsSettings settings, CallFaults faults) {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(faults, "faults");
        ObjectMapper json = EventJson.create();
        // Requests run on virtual threads (one per connection), for which Jackson's default thread-local buffer
        // pool hardly ever reuses a buffer: a shared pool does.
        json.getFactory().setRecyclerPool(JsonRecyclerPools.sharedConcurrentDequePool());
        Optional<FileLock> lock = settings.dataDirectory().map(LocalAwsEndpoint::lockDirectory);
        ChangeLog changeLog = settings.dataDirectory()
                .<ChangeLog>map(directory -> new TableLog(directory, json))
                .orElse(ChangeLog.NONE);
        DynamoDbApi dynamoDb = new DynamoDbApi(clock, sleeper, settings, changeLog);
        EventBridgeBus bus = new EventBridgeBus(clock, settings.eventRetention(), settings.maxEvents(), json);
        try {
            if (changeLog instanceof TableLog tableLog) {
                Path directory = settings.dataDirectory().orElseThrow();
                int items = tableLog.restore(dynamoDb.catalog(), dynamoDb.tokens());
                int events = bus.restore(directory);
                log.info(
                        "Local DynamoDB and EventBridge keep their data in {}: restored {} tables, {} items and {} "
                                + "events",
                        directory,
                        dynamoDb.catalog().all().size(),
                        items,
                        events);
            }
        } catch (RuntimeException e) {
            changeLog.close();
            bus.close();
            lock.ifPresent(LocalAwsEndpoint::release);
            throw e;
        }
        LocalAwsEndpoint endpoint = new LocalAwsEndpoint(dynamoDb, bus, faults, json, changeLog, lock);
        try {
            endpoint.server = JsonHttpServer.start(host, port, endpoint::handle);
        } catch (IOException e) {
            changeLog.close();
            bus.close();
            lock.ifPresent(LocalAwsEndpoint::release);
            Optional<String> bind = PortUnavailableException.bindFailure(e);
            if (bind.isPresent()) {
                throw new PortUnavailableException("the DynamoDB and EventBridge endpoint", host, port, bind.get(), e);
            }
            throw new UncheckedIOException(
                    "Could not serve DynamoDB and EventBridge on " + host + ":" + port + " (" + e.getMessage()
                            + "). Is another process using that port? Pick another one.",
                    e);
        }
        long sweep = settings.sweepInterval().toMillis();
        endpoint.sweeper.scheduleWithFixedDelay(endpoint::sweepQuietly, sweep, sweep, TimeUnit.MILLISECONDS);
        return endpoint;
    }

    private static FileLock lockDirectory(Path directory) {
        try {
            Files.createDirectories(directory);
            FileChannel channel =
                    FileChannel.open(directory.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException heldInThisJvm) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("Another local AWS endpoint keeps its data in " + directory
                        + "; stop it, or give this one another data directory.");
            }
            return lock;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Could not use " + directory + " for DynamoDB and EventBridge data: " + e.getMessage(), e);
        }
    }

    private static void release(FileLock lock) {
        try {
            lock.release();
            lock.channel().close();
        } catch (IOException e) {
            log.warn("Could not release the lock of the data directory: {}", e.toString());
        }
    }

    /** The endpoint's URL, for {@code AWS_ENDPOINT_URL_DYNAMODB} and {@code AWS_ENDPOINT_URL_EVENTBRIDGE}. */
    public URI url() {
        InetSocketAddress address = server.address();
        return URI.create("http://" + address.getHostString() + ":" + address.getPort());
    }

    /** The events put on any bus. */
    public EventBridgeBus eventBridge() {
        return eventBridge;
    }

    /** Calls and capacity units per DynamoDB operation so far; take two and {@link DynamoDbUsage#minus} them. */
    public DynamoDbUsage dynamoDbUsage() {
        return dynamoDb.usage();
    }

    /**
     * Deletes the items whose TTL has passed on the endpoint's clock, now, as the background sweep does
     * every sweep interval; how many.
     */
    public int sweepExpired() {
        return dynamoDb.sweepExpired();
    }

    /**
     * Creates a table keyed by one string attribute, as the deployment creates the processing
     * records table; nothing happens when it exists.
     */
    public void createTable(String name, String hashKey) {
        create(name, hashKey, null);
    }

    /**
     * Creates a table keyed by two string attributes, a partition and a sort key, as the deployment
     * creates the job ledger's table; nothing happens when it exists.
     */
    public void createTable(String name, String hashKey, String rangeKey) {
        create(name, hashKey, rangeKey);
    }

    private void create(String name, String hashKey, String rangeKey) {
        ObjectNode request = json.createObjectNode().put("TableName", name);
        var keys = request.putArray("KeySchema");
        keys.addObject().put("AttributeName", hashKey).put("KeyType", "HASH");
        var definitions = request.putArray("AttributeDefinitions");
        definitions.addObject().put("AttributeName", hashKey).put("AttributeType", "S");
        if (rangeKey != null) {
            keys.addObject().put("AttributeName", rangeKey).put("KeyType", "RANGE");
            definitions.addObject().put("AttributeName", rangeKey).put("AttributeType", "S");
        }
        try {
            dynamoDb.catalog().createTable(request);
        } catch (DynamoDbException e) {
            if (!e.code().equals("ResourceInUseException")) {
                throw e;
            }
        }
    }

    /**
     * Enables TTL on {@code attribute} of {@code table}, as the deployment does for the records table;
     * nothing happens when it is enabled already.
     */
    public void enableTimeToLive(String table, String attribute) {
        if (dynamoDb.catalog().table(table).timeToLiveAttribute().isPresent()) {
            return;
        }
        ObjectNode request = json.createObjectNode().put("TableName", table);
        request.putObject("TimeToLiveSpecification")
                .put("AttributeName", attribute)
                .put("Enabled", true);
        dynamoDb.catalog().updateTimeToLive(request);
    }

    private void sweepQuietly() {
        try {
            int expired = dynamoDb.sweepExpired();
            int purged = eventBridge.purge();
            dynamoDb.dropIdleCapacity();
            if (expired + purged > 0) {
                log.debug("local AWS endpoint: deleted {} expired items, purged {} old events", expired, purged);
            }
        } catch (RuntimeException e) {
            log.warn("local AWS endpoint: the TTL sweep failed, and will run again: {}", e.toString());
        }
    }

    /** Where a request goes, from its X-Amz-Target. */
    private record Route(String service, String operation) {
        static Route of(String target) {
            if (target.startsWith(DYNAMODB)) {
                return new Route("dynamodb", target.substring(DYNAMODB.length()));
            }
            if (target.startsWith(EVENTBRIDGE)) {
                return new Route("eventbridge", target.substring(EVENTBRIDGE.length()));
            }
            if (target.startsWith(OURS)) {
                return new Route("local", target.substring(OURS.length()));
            }
            return new Route("unknown", target);
        }

        boolean isDynamoDb() {
            return service.equals("dynamodb");
        }

        /** Only AWS's own APIs are the function's calls; our read path is the CLI's. */
        boolean isFaultable() {
            return service.equals("dynamodb") || service.equals("eventbridge");
        }
    }

    private JsonHttpServer.Answer handle(JsonHttpServer.Request http) {
        answering.add(Thread.currentThread());
        try {
            return answer(http);
        } finally {
            answering.remove(Thread.currentThread());
        }
    }

    /** The access key the runtime's own clients of this endpoint sign with; never faulted, never counted. */
    public static final String RUNTIME_KEY = "load-splitter-runtime";

    private JsonHttpServer.Answer answer(JsonHttpServer.Request http) {
        String target = String.valueOf(http.header("X-Amz-Target"));
        Route route = Route.of(target);
        Decision decision;
        try {
            // The runtime's own reads of the ledger (run's wait and progress line) are no call of the function's.
            String authorization = http.header("Authorization");
            boolean runtimesOwn = authorization != null && authorization.contains("Credential=" + RUNTIME_KEY + "/");
            decision = route.isFaultable() && !runtimesOwn
                    ? faults.decide(new CallFaults.Call(
                            route.service(), route.operation(), Optional.ofNullable(http.header("X-Amzn-Trace-Id"))))
                    : Decision.APPLY;
        } catch (RuntimeException e) {
            log.warn("local AWS endpoint: deciding the faults of {} failed: {}", target, e.toString());
            return respond(route, 500, internalError(route, "Deciding the request's faults failed: " + e));
        }
        if (decision == Decision.REFUSE) {
            return new JsonHttpServer.Drop();
        }
        int status = 200;
        JsonNode response;
        try {
            JsonNode request = json.readTree(http.body());
            if (request == null || !request.isObject()) {
                throw new DynamoDbException("SerializationException", "The request body is not a JSON object");
            }
            response = apply(route, decision, request);
        } catch (DynamoDbException e) {
            status = 400;
            response = error(route, e);
            log.debug("local AWS endpoint: {} -> {} {}", target, e.code(), e.getMessage());
        } catch (IOException e) {
            status = 400;
            response = error(
                    route,
                    new DynamoDbException("SerializationException", "The request body is not JSON: " + e.getMessage()));
        } catch (RuntimeException e) {
            status = 500;
            response = internalError(route, e.toString());
            log.warn("local AWS endpoint: {} failed: {}", target, e.toString());
        }
        return switch (decision) {
            case LOSE_ANSWER_500 ->
                respond(route, 500, internalError(route, "Injected: the request was applied and its answer lost"));
            case LOSE_ANSWER_RESET, CRASH_AFTER -> new JsonHttpServer.Drop();
            default -> respond(route, status, response);
        };
    }

    private JsonNode apply(Route route, Decision decision, JsonNode request) {
        return switch (route.service()) {
            case "dynamodb" -> {
                if (decision == Decision.THROTTLE) {
                    throw dynamoDb.throttled(route.operation(), request);
                }
                if (decision == Decision.CONFLICT && DynamoDbApi.WRITES.contains(route.operation())) {
                    yield dynamoDb.conflict(route.operation(), request);
                }
                yield dynamoDb.handle(route.operation(), request);
            }
            case "eventbridge" -> {
                if (decision == Decision.THROTTLE) {
                    throw new DynamoDbException("ThrottlingException", "Rate exceeded");
                }
                if (!route.operation().equals("PutEvents")) {
                    throw new DynamoDbException(
                            "UnknownOperationException",
                            "The local EventBridge endpoint serves PutEvents only, not " + route.operation() + ".");
                }
                yield eventBridge.putEvents(request);
            }
            case "local" -> {
                if (!route.operation().equals("ListEvents")) {
                    throw new DynamoDbException(
                            "UnknownOperationException",
                            "The local endpoint's own API is ListEvents only, not " + route.operation() + ".");
                }
                yield eventBridge.listEvents(request);
            }
            default ->
                throw new DynamoDbException(
                        "UnknownOperationException",
                        "X-Amz-Target '" + route.operation() + "' is neither DynamoDB nor EventBridge; this endpoint "
                                + "serves those two.");
        };
    }

    private ObjectNode error(Route route, DynamoDbException e) {
        ObjectNode error = json.createObjectNode();
        error.put("__type", (route.isDynamoDb() ? DYNAMODB_ERROR : "") + e.code());
        error.put("message", e.getMessage());
        error.setAll(e.fields());
        return error;
    }

    private ObjectNode internalError(Route route, String message) {
        return json.createObjectNode()
                .put("__type", route.isDynamoDb() ? DYNAMODB_ERROR + "InternalServerError" : "InternalException")
                .put("message", message);
    }

    private JsonHttpServer.Answer respond(Route route, int status, JsonNode response) {
        try {
            return new JsonHttpServer.Respond(
                    status,
                    route.isDynamoDb() ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1",
                    json.writeValueAsBytes(response));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write an answer as JSON", e);
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        server.close();
        // Requests still being answered finish (a transaction in its window commits at once) before the log closes.
        answering.forEach(Thread::interrupt);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try {
            while (!answering.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!answering.isEmpty()) {
            log.warn("local AWS endpoint: {} requests still running 10 s after close", answering.size());
        }
        changeLog.close();
        eventBridge.close();
        directoryLock.ifPresent(LocalAwsEndpoint::release);
    }
}
