package dev.loadsplitter.local.invoke;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.loadsplitter.local.container.FunctionRuntime;
import dev.loadsplitter.local.container.InvocationResult;
import dev.loadsplitter.local.container.Trigger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of the Lambda API that invokes a function, so {@code aws lambda invoke --endpoint-url …}
 * and the SDKs work against the local runtime:
 * {@code POST /2015-03-31/functions/{name}/invocations} with {@code X-Amz-Invocation-Type}
 * {@code RequestResponse} (the default), {@code Event} or {@code DryRun}. Errors come in Lambda's
 * shapes: a function error is a 200 with {@code X-Amz-Function-Error: Unhandled}; an unknown
 * function or qualifier (only {@code $LATEST} exists here) is a 404 {@code ResourceNotFoundException};
 * a throttle is a 429. {@code X-Amz-Log-Type: Tail} returns the invocation's log in
 * {@code X-Amz-Log-Result}, as {@code aws lambda invoke --log-type Tail} expects.
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
public final class LambdaApiServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LambdaApiServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern INVOKE = Pattern.compile("^/2015-03-31/functions/([^/]+)/invocations/?$");

    private final HttpServer server;
    private final FunctionRuntime function;
    private final AsyncInvoker async;
    private final String functionArn;

    private LambdaApiServer(HttpServer server, FunctionRuntime function, AsyncInvoker async, String functionArn) {
        this.server = server;
        this.function = function;
        this.async = async;
        this.functionArn = functionArn;
    }

    /**
     * Starts serving on {@code host:port} (0 for a free port).
     *
     * @throws UncheckedIOException naming the address when it cannot be bound
     */
    public static LambdaApiServer start(
            String host, int port, FunctionRuntime function, AsyncInvoker async, String functionArn) {
        return serve(bind(host, port), function, async, functionArn);
    }

    /**
     * Binds {@code host:port} (0 for a free port) for a Lambda API to {@link #serve} later: a port
     * that must be known before the function exists (the one it invokes itself through) is bound at
     * once, never probed and bound again. It answers 404 until served; stop it if it never is (a
     * server never started would keep its socket open).
     *
     * @throws UncheckedIOException naming the address when it cannot be bound
     */
    public static HttpServer bind(String host, int port) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Could not serve the Lambda API on " + host + ":" + port + " (" + e.getMessage()
                            + "). Is another process using that port? Pick another one.",
                    e);
        }
    }

    /** Starts serving on a server {@link #bind} bound. */
    public static LambdaApiServer serve(
            HttpServer server, FunctionRuntime function, AsyncInvoker async, String functionArn) {
        LambdaApiServer api = new LambdaApiServer(
                server,
                Objects.requireNonNull(function, "function"),
                Objects.requireNonNull(async, "async"),
                Objects.requireNonNull(functionArn, "functionArn"));
        server.createContext("/", api::handle);
        return api;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String requestId = UUID.randomUUID().toString();
            exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
            Matcher invoke = INVOKE.matcher(exchange.getRequestURI().getRawPath());
            if (!invoke.matches()) {
                error(
                        exchange,
                        404,
                        "UnknownOperationException",
                        "Unknown operation " + exchange.getRequestMethod() + " "
                                + exchange.getRequestURI().getPath() + "; this endpoint serves Invoke only.");
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                error(exchange, 405, "InvalidRequestContentException", "Invoke takes POST.");
                return;
            }
            String name = URLDecoder.decode(invoke.group(1), StandardCharsets.UTF_8);
            String qualifier = qualifier(exchange, name);
            String bare = qualifier.isEmpty() || !name.endsWith(":" + qualifier)
                    ? name
                    : name.substring(0, name.length() - qualifier.length() - 1);
            if (!names(bare)) {
                error(exchange, 404, "ResourceNotFoundException", "Function not found: " + arnFor(name));
                return;
            }
            if (!qualifier.isEmpty() && !qualifier.equals("$LATEST")) {
                // Only $LATEST exists locally: no versions are published, no aliases made.
                error(
                        exchange,
                        404,
                        "ResourceNotFoundException",
                        "Function not found: " + arnFor(bare) + ":" + qualifier);
                return;
            }
            byte[] payload = exchange.getRequestBody().readAllBytes();
            if (payload.length > 0 && !isJson(payload)) {
                // Lambda refuses a payload that is not JSON before any invocation.
                error(
                        exchange,
                        400,
                        "InvalidRequestContentException",
                        "Could not parse request body into json: the " + "payload is not valid JSON.");
                return;
            }
            String type = exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type");
            switch (type == null ? "RequestResponse" : type) {
                case "RequestResponse" -> {
                    String logType = exchange.getRequestHeaders().getFirst("X-Amz-Log-Type");
                    if ("Tail".equals(logType)) {
                        LogTail tail = new LogTail(function.function().memoryMb());
                        InvocationResult result = function.invoke(payload, Trigger.SYNC, tail);
                        exchange.getResponseHeaders().set("X-Amz-Log-Result", tail.result());
                        respond(exchange, result);
                    } else {
                        respond(exchange, function.invoke(payload, Trigger.SYNC));
                    }
                }
                case "Event" -> {
                    async.submit(payload);
                    exchange.sendResponseHeaders(202, -1);
                }
                case "DryRun" -> exchange.sendResponseHeaders(204, -1);
                default ->
                    error(
                            exchange,
                            400,
                            "InvalidParameterValueException",
                            "X-Amz-Invocation-Type must be RequestResponse, Event or DryRun, got " + type);
            }
        } catch (RuntimeException e) {
            log.warn("Lambda API: request failed: {}", e.toString());
            throw e;
        }
    }

    private void respond(HttpExchange exchange, InvocationResult result) throws IOException {
        if (result instanceof InvocationResult.Throttled throttled) {
            error(exchange, 429, "TooManyRequestsException", throttled.errorMessage());
            return;
        }
        exchange.getResponseHeaders().set("X-Amz-Executed-Version", "$LATEST");
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (result.isError()) {
            exchange.getResponseHeaders().set("X-Amz-Function-Error", "Unhandled");
        }
        byte[] body = result.payload();
        exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
    }

    private static boolean isJson(byte[] payload) {
        try {
            JSON.readTree(payload);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The qualifier: the {@code Qualifier} query parameter, or what follows the name (or the ARN's
     * function name) after a colon; empty when none is given.
     */
    private static String qualifier(HttpExchange exchange, String name) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null) {
            for (String parameter : query.split("&")) {
                if (parameter.startsWith("Qualifier=")) {
                    return URLDecoder.decode(parameter.substring("Qualifier=".length()), StandardCharsets.UTF_8);
                }
            }
        }
        String[] parts = name.split(":");
        boolean arn = name.startsWith("arn:");
        if ((arn && parts.length == 8) || (!arn && parts.length == 2)) {
            return parts[parts.length - 1];
        }
        return "";
    }

    /** The function's name or its ARN. */
    private boolean names(String bare) {
        String functionName = function.function().name();
        boolean anArnOfThisName = bare.startsWith("arn:aws:lambda:") && bare.endsWith(":function:" + functionName);
        return bare.equals(functionName) || bare.equals(functionArn) || anArnOfThisName;
    }

    private String arnFor(String name) {
        return name.startsWith("arn:") ? name : functionArn.substring(0, functionArn.lastIndexOf(':') + 1) + name;
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        exchange.getResponseHeaders().set("X-Amzn-ErrorType", type);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        ObjectNode error = JSON.createObjectNode().put("Type", "User").put("Message", message);
        byte[] body = JSON.writeValueAsBytes(error);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        log.info(
                "Lambda API: {} {} -> {} {}",
                exchange.getRequestMethod(),
                exchange.getRequestURI().getPath(),
                status,
                type);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
