package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.loadsplitter.engine.internal.json.EventJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP endpoint that speaks two AWS JSON protocols, told apart by {@code X-Amz-Target}:
 * DynamoDB ({@code DynamoDB_20120810.*}, tables in memory) and EventBridge
 * ({@code AWSEvents.PutEvents}, events kept). The function reaches it through the SDK's standard
 * {@code AWS_ENDPOINT_URL_DYNAMODB} and {@code AWS_ENDPOINT_URL_EVENTBRIDGE}, so the same jar
 * keeps its job records and publishes its completion events here as it does on AWS.
 */
public final class LocalAwsEndpoint implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalAwsEndpoint.class);
    private static final String DYNAMODB = "DynamoDB_20120810.";
    private static final String EVENTBRIDGE = "AWSEvents.";

    private final HttpServer server;
    private final DynamoDbTables dynamoDb;
    private final EventBridgeBus eventBridge = new EventBridgeBus();
    private final ObjectMapper json = EventJson.create();

    private LocalAwsEndpoint(HttpServer server, Clock clock) {
        this.server = server;
        this.dynamoDb = new DynamoDbTables(clock);
    }

    /**
     * Starts serving on {@code host:port} (0 for a free port).
     *
     * @throws UncheckedIOException naming the address when it cannot be bound
     */
    public static LocalAwsEndpoint start(String host, int port, Clock clock) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Could not serve DynamoDB and EventBridge on " + host + ":" + port + " (" + e.getMessage()
                            + "). Is another process using that port? Pick another one.",
                    e);
        }
        LocalAwsEndpoint endpoint = new LocalAwsEndpoint(server, Objects.requireNonNull(clock, "clock"));
        server.createContext("/", endpoint::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return endpoint;
    }

    /** The endpoint's URL, for {@code AWS_ENDPOINT_URL_DYNAMODB} and {@code AWS_ENDPOINT_URL_EVENTBRIDGE}. */
    public URI url() {
        InetSocketAddress address = server.getAddress();
        return URI.create("http://" + address.getHostString() + ":" + address.getPort());
    }

    /** The events put on any bus. */
    public EventBridgeBus eventBridge() {
        return eventBridge;
    }

    /**
     * Creates a table keyed by one string attribute, as the deployment creates the processing
     * records table; nothing happens when it exists.
     */
    public void createTable(String name, String hashKey) {
        ObjectNode request = json.createObjectNode().put("TableName", name);
        request.putArray("KeySchema").addObject().put("AttributeName", hashKey).put("KeyType", "HASH");
        request.putArray("AttributeDefinitions")
                .addObject()
                .put("AttributeName", hashKey)
                .put("AttributeType", "S");
        try {
            dynamoDb.handle("CreateTable", request);
        } catch (DynamoDbException e) {
            if (!e.code().equals("ResourceInUseException")) {
                throw e;
            }
        }
    }

    /**
     * Creates a table keyed by two string attributes, a partition and a sort key, as the deployment
     * creates the job ledger's table; nothing happens when it exists.
     */
    public void createTable(String name, String hashKey, String rangeKey) {
        ObjectNode request = json.createObjectNode().put("TableName", name);
        var keys = request.putArray("KeySchema");
        keys.addObject().put("AttributeName", hashKey).put("KeyType", "HASH");
        keys.addObject().put("AttributeName", rangeKey).put("KeyType", "RANGE");
        var definitions = request.putArray("AttributeDefinitions");
        definitions.addObject().put("AttributeName", hashKey).put("AttributeType", "S");
        definitions.addObject().put("AttributeName", rangeKey).put("AttributeType", "S");
        try {
            dynamoDb.handle("CreateTable", request);
        } catch (DynamoDbException e) {
            if (!e.code().equals("ResourceInUseException")) {
                throw e;
            }
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            boolean isDynamoDb = target.startsWith(DYNAMODB);
            String contentType = isDynamoDb ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1";
            JsonNode response;
            int status = 200;
            try {
                JsonNode request = json.readTree(exchange.getRequestBody());
                if (isDynamoDb) {
                    response = dynamoDb.handle(target.substring(DYNAMODB.length()), request);
                } else if (target.startsWith(EVENTBRIDGE)) {
                    response = eventBridge.handle(target.substring(EVENTBRIDGE.length()), request, json);
                } else {
                    throw new DynamoDbException(
                            "UnknownOperationException",
                            "X-Amz-Target '" + target + "' is "
                                    + "neither DynamoDB nor EventBridge; this endpoint serves those two.");
                }
            } catch (DynamoDbException e) {
                status = 400;
                ObjectNode error = json.createObjectNode()
                        .put("__type", (isDynamoDb ? "com.amazonaws.dynamodb.v20120810#" : "") + e.code())
                        .put("message", e.getMessage());
                if (e instanceof DynamoDbTables.TransactionCanceled canceled) {
                    var reasons = error.putArray("CancellationReasons");
                    canceled.reasons().forEach(reason -> reasons.addObject().put("Code", reason));
                }
                response = error;
                log.debug("local AWS endpoint: {} -> {} {}", target, e.code(), e.getMessage());
            } catch (IOException | RuntimeException e) {
                status = 500;
                response = json.createObjectNode()
                        .put("__type", "InternalServerError")
                        .put("message", e.toString());
                log.warn("local AWS endpoint: {} failed: {}", target, e.toString());
            }
            byte[] body = json.writeValueAsBytes(response);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
