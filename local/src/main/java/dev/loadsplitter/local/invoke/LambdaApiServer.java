package dev.loadsplitter.local.invoke;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.loadsplitter.local.container.FunctionRuntime;
import dev.loadsplitter.local.container.InvocationResult;
import dev.loadsplitter.local.container.Trigger;
import dev.loadsplitter.sqs.PortUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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

    /*
     * Lambda's payload limits. The Lambda quotas page, row "Invocation payload (request and response)": 6 MB for a
     * synchronous request and for its response, 1 MB for an asynchronous request (it was 256 KB); and its note "The
     * Lambda documentation, log messages, and console use the abbreviation MB (rather than MiB) to refer to 1,024
     * KB" (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html, read 2026-12-03). The Invoke API
     * reference agrees: "For synchronous invocations, the maximum payload size is 6 MB. For asynchronous
     * invocations, the maximum payload size is 1 MB." (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).
     * So the limits are 6,291,456 and 1,048,576 bytes, and a payload of exactly the limit is allowed (a maximum).
     * Lambda's own error for a response names 6,291,556 bytes, 100 more than the documented quota; the documented
     * figure is used here, so whatever passes locally passes on AWS too.
     */
    /** The largest synchronous ({@code RequestResponse}, {@code DryRun}) request payload: 6 MB. */
    static final int SYNC_REQUEST_MAX_BYTES = 6 * 1024 * 1024;
    /** The largest synchronous response payload: 6 MB. */
    static final int SYNC_RESPONSE_MAX_BYTES = 6 * 1024 * 1024;
    /** The largest asynchronous ({@code Event}) request payload: 1 MB. */
    static final int ASYNC_REQUEST_MAX_BYTES = 1024 * 1024;
    /** How much of a body past its limit is read and dropped, so the client gets the 413 rather than a reset. */
    private static final long DRAIN_MAX_BYTES = 64L * 1024 * 1024;

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
     * @throws PortUnavailableException when the address cannot be listened on (a port in use)
     * @throws UncheckedIOException naming the address when it cannot be bound otherwise
     */
    public static HttpServer bind(String host, int port) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            return server;
        } catch (IOException e) {
            Optional<String> bind = PortUnavailableException.bindFailure(e);
            if (bind.isPresent()) {
                throw new PortUnavailableException("the Lambda API", host, port, bind.get(), e);
            }
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
            String type = exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type");
            type = type == null ? "RequestResponse" : type;
            if (!List.of("RequestResponse", "Event", "DryRun").contains(type)) {
                error(
                        exchange,
                        400,
                        "InvalidParameterValueException",
                        "X-Amz-Invocation-Type must be RequestResponse, Event or DryRun, got " + type);
                return;
            }
            boolean asynchronous = type.equals("Event");
            int limit = asynchronous ? ASYNC_REQUEST_MAX_BYTES : SYNC_REQUEST_MAX_BYTES;
            byte[] payload = readAtMost(exchange.getRequestBody(), limit);
            if (payload == null) {
                error(exchange, 413, "RequestEntityTooLargeException", tooLarge(exchange, asynchronous, limit));
                return;
            }
            if (payload.length > 0 && !isJson(payload)) {
                // Lambda refuses a payload that is not JSON before any invocation.
                error(
                        exchange,
                        400,
                        "InvalidRequestContentException",
                        "Could not parse request body into json: the " + "payload is not valid JSON.");
                return;
            }
            switch (type) {
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
                    try {
                        async.submit(payload);
                    } catch (RuntimeException e) {
                        // Not kept, so not accepted: Lambda answers a 5xx when its queue cannot take an event.
                        error(
                                exchange,
                                500,
                                "ServiceException",
                                "The event could not be queued (" + e.getMessage() + "); it was not accepted. Try "
                                        + "again once the problem is fixed.");
                        return;
                    }
                    exchange.sendResponseHeaders(202, -1);
                }
                default -> exchange.sendResponseHeaders(204, -1); // DryRun
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
        byte[] body = result.payload();
        if (body.length > SYNC_RESPONSE_MAX_BYTES) {
            // The function ran; Lambda answers with a function error in place of its response, as here.
            log.warn(
                    "Lambda API: function {} answered {} bytes, over the {} bytes a synchronous response may have",
                    function.function().name(),
                    body.length,
                    SYNC_RESPONSE_MAX_BYTES);
            body = JSON.writeValueAsBytes(JSON.createObjectNode()
                    .put(
                            "errorMessage",
                            "Response payload size (" + body.length + " bytes) exceeded maximum allowed payload size ("
                                    + SYNC_RESPONSE_MAX_BYTES + " bytes).")
                    .put("errorType", "Function.ResponseSizeTooLarge"));
            exchange.getResponseHeaders().set("X-Amz-Function-Error", "Unhandled");
        } else if (result.isError()) {
            exchange.getResponseHeaders().set("X-Amz-Function-Error", "Unhandled");
        }
        exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
    }

    /**
     * The body, or null when it is longer than {@code limit} bytes; then the rest is read and dropped
     * (up to {@link #DRAIN_MAX_BYTES}), so the client, still sending, gets the answer and not a reset.
     */
    private static byte[] readAtMost(InputStream body, int limit) throws IOException {
        byte[] read = body.readNBytes(limit + 1);
        if (read.length <= limit) {
            return read;
        }
        long dropped = 0;
        byte[] buffer = new byte[64 * 1024];
        int n;
        while (dropped < DRAIN_MAX_BYTES && (n = body.read(buffer)) != -1) {
            dropped += n;
        }
        return null;
    }

    /** Lambda's refusal of an oversized request, with its size when the client gave it. */
    private static String tooLarge(HttpExchange exchange, boolean asynchronous, int limit) {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        String size = length == null ? "more than " + limit : length;
        return asynchronous
                ? size + " byte payload is too large for the Event invocation type (limit " + limit + " bytes). Pass "
                        + "a larger input by reference (an S3 object, say) or invoke synchronously (up to "
                        + SYNC_REQUEST_MAX_BYTES + " bytes)."
                : size + " byte payload is too large for the RequestResponse invocation type (limit " + limit
                        + " bytes). Pass a larger input by reference (an S3 object, say).";
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
