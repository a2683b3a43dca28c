package dev.loadsplitter.local.fault;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP proxy in front of the SQS endpoint, through which the function (and only the
 * function) reaches SQS. For each request it asks {@link CallFaults} what goes wrong, with the
 * operation from the JSON protocol's {@code X-Amz-Target} or the query protocol's {@code Action}
 * and the request's {@code X-Amzn-Trace-Id}, and acts as SQS and the network would:
 * <ul>
 *   <li>{@code REFUSE}: the calling container is dead; the request is dropped without an answer and
 *       never reaches the server;
 *   <li>{@code LOSE_ANSWER_500} and {@code LOSE_ANSWER_RESET}: the request is forwarded and applied,
 *       then the answer is lost: a 500 {@code InternalError}, or the connection dropped without one,
 *       so the SDK's retry sends it again (a duplicate message, as on SQS);
 *   <li>{@code CRASH_AFTER}: forwarded and applied, then the connection dropped: the container died;
 *   <li>{@code THROTTLE}: answered {@code ThrottlingException}, applying nothing;
 *   <li>{@code APPLY}, {@code CONFLICT} (a DynamoDB fault): forwarded as usual.
 * </ul>
 * Besides, {@code --sqs-fault-rate} answers a share of the requests to be forwarded with an error
 * instead: half 500 {@code InternalError}, half 400 {@code ThrottlingException}; those never reach the
 * server. A request whose target is not a path on this endpoint (an absolute-form URI such as
 * {@code GET http://elsewhere/}) is answered 400 and never forwarded.
 */
public final class SqsFaultProxy implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SqsFaultProxy.class);

    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection",
            "content-length",
            "host",
            "transfer-encoding",
            "expect",
            "upgrade",
            "keep-alive",
            "proxy-connection",
            "te",
            "trailer");

    private final HttpServer server;
    private final HttpClient client;
    private final URI target;
    private final CallFaults callFaults;
    private final double faultRate;
    private final SplittableRandom random;
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong faults = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong lostAnswers = new AtomicLong();
    private final AtomicLong crashes = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final Map<String, LongAdder> forwardedByAction = new ConcurrentHashMap<>();

    private SqsFaultProxy(HttpServer server, URI target, CallFaults callFaults, double faultRate, long seed) {
        this.server = server;
        this.target = target;
        this.callFaults = callFaults;
        this.faultRate = faultRate;
        this.random = new SplittableRandom(seed);
        this.client = HttpClient.newBuilder()
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    /** Starts on a free loopback port in front of {@code target}, with {@code --sqs-fault-rate} faults only. */
    public static SqsFaultProxy start(URI target, double faultRate, long seed) {
        return start(target, CallFaults.NONE, faultRate, seed);
    }

    /**
     * Starts on a free loopback port in front of {@code target}.
     *
     * @param callFaults what goes wrong with each of the function's calls
     * @param faultRate share of the requests to be forwarded answered with an error instead ({@code --sqs-fault-rate})
     */
    public static SqsFaultProxy start(URI target, CallFaults callFaults, double faultRate, long seed) {
        if (!(faultRate >= 0 && faultRate <= 1)) {
            throw new IllegalArgumentException("SQS fault rate must be from 0 to 1, got " + faultRate);
        }
        if (target.getScheme() == null || target.getRawAuthority() == null) {
            throw new IllegalArgumentException(
                    "The SQS fault proxy needs an absolute http URI to forward to, got " + target);
        }
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            SqsFaultProxy proxy = new SqsFaultProxy(server, target, callFaults, faultRate, seed);
            server.createContext("/", proxy::handle);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the SQS fault proxy", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Requests answered with an injected error, never forwarded: {@code --sqs-fault-rate} and throttles. */
    public long faults() {
        return faults.get();
    }

    /** Requests passed through to the server, whatever became of their answers. */
    public long forwarded() {
        return forwarded.get();
    }

    /**
     * Requests passed through to the server so far, by SQS action ({@code SendMessageBatch}, …): what the
     * function asked of SQS, and what SQS would bill it for.
     */
    public Map<String, Long> forwardedByAction() {
        Map<String, Long> snapshot = new TreeMap<>();
        forwardedByAction.forEach((action, count) -> snapshot.put(action, count.sum()));
        return snapshot;
    }

    /** Requests of a dead container, dropped before the server saw them. */
    public long refused() {
        return refused.get();
    }

    /** Requests applied whose answer was lost (a 500 or a dropped connection). */
    public long lostAnswers() {
        return lostAnswers.get();
    }

    /** Requests applied after which the calling container died. */
    public long crashes() {
        return crashes.get();
    }

    /** Requests answered 400 because their target was not a path on this endpoint. */
    public long rejected() {
        return rejected.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            if (uri.getScheme() != null
                    || uri.getRawAuthority() != null
                    || uri.getRawPath() == null
                    || !uri.getRawPath().startsWith("/")) {
                // The proxy forwards to its SQS server only: an absolute-form target (RFC 9112 3.2.2) would
                // otherwise make it fetch whatever the request names.
                rejected.incrementAndGet();
                log.warn(
                        "SQS fault proxy: refused a request for {} {}: only paths on this endpoint are served",
                        exchange.getRequestMethod(),
                        uri);
                exchange.getRequestBody().readAllBytes();
                error(exchange, 400, "InvalidAddress", "Sender", "The request target must be a path on this endpoint");
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            String action = operation(exchange, body);
            CallFaults.Decision decision = callFaults.decide(new CallFaults.Call(
                    "sqs",
                    action,
                    Optional.ofNullable(exchange.getRequestHeaders().getFirst(TraceHeader.HTTP_HEADER))));
            switch (decision) {
                case REFUSE -> {
                    // Closing the exchange before any answer drops the connection: nothing reached the server.
                    refused.incrementAndGet();
                    return;
                }
                case THROTTLE -> {
                    faults.incrementAndGet();
                    error(exchange, 400, "ThrottlingException", "Sender", "injected by the SQS fault proxy");
                    return;
                }
                case APPLY, CONFLICT -> {
                    double draw;
                    synchronized (random) {
                        draw = random.nextDouble();
                    }
                    if (draw < faultRate) {
                        faults.incrementAndGet();
                        boolean throttle = draw < faultRate / 2;
                        error(
                                exchange,
                                throttle ? 400 : 500,
                                throttle ? "ThrottlingException" : "InternalError",
                                throttle ? "Sender" : "Receiver",
                                "injected by the SQS fault proxy (--sqs-fault-rate)");
                        return;
                    }
                }
                default -> {
                    // Applied first, then the answer is lost or the container dies.
                }
            }
            forwardedByAction.computeIfAbsent(action, name -> new LongAdder()).increment();
            HttpResponse<byte[]> response = forward(exchange, uri, body);
            if (response == null) {
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            switch (decision) {
                case LOSE_ANSWER_500 -> {
                    lostAnswers.incrementAndGet();
                    error(
                            exchange,
                            500,
                            "InternalError",
                            "Receiver",
                            "injected by the local runtime "
                                    + "(--lost-response-rate): the request was applied, its answer lost");
                }
                case LOSE_ANSWER_RESET -> lostAnswers.incrementAndGet();
                case CRASH_AFTER -> crashes.incrementAndGet();
                default -> relay(exchange, response);
            }
        }
    }

    /** Sends the request on to the server; null when interrupted. */
    private HttpResponse<byte[]> forward(HttpExchange exchange, URI uri, byte[] body) throws IOException {
        forwarded.incrementAndGet();
        String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(target.getScheme() + "://" + target.getRawAuthority() + path))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> request.header(name, value));
            }
        });
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static void relay(HttpExchange exchange, HttpResponse<byte[]> response) throws IOException {
        response.headers().map().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, List.copyOf(values));
            }
        });
        byte[] out = response.body();
        exchange.sendResponseHeaders(response.statusCode(), out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            exchange.getResponseBody().write(out);
        }
    }

    /**
     * The SQS action: after the dot of {@code X-Amz-Target} ({@code AmazonSQS.SendMessageBatch}) in the
     * JSON protocol, the {@code Action} parameter of the form or query string in the query protocol.
     */
    static String operation(HttpExchange exchange, byte[] body) {
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        if (target != null) {
            return target.substring(target.lastIndexOf('.') + 1);
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType != null
                && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            Optional<String> action = action(new String(body, StandardCharsets.UTF_8));
            if (action.isPresent()) {
                return action.get();
            }
        }
        String query = exchange.getRequestURI().getRawQuery();
        return query == null ? "" : action(query).orElse("");
    }

    private static Optional<String> action(String form) {
        for (String parameter : form.split("&")) {
            if (parameter.startsWith("Action=")) {
                return Optional.of(URLDecoder.decode(parameter.substring("Action=".length()), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    /** An error in the protocol the request spoke: JSON for {@code X-Amz-Target}, else the query protocol's XML. */
    private static void error(HttpExchange exchange, int status, String code, String fault, String message)
            throws IOException {
        byte[] body;
        if (exchange.getRequestHeaders().containsKey("X-Amz-Target")
                || !exchange.getRequestHeaders().containsKey("Content-Type")) {
            body = JsonNodeFactory.instance
                    .objectNode()
                    .put("__type", "com.amazonaws.sqs#" + code)
                    .put("message", message)
                    .toString()
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
            exchange.getResponseHeaders().set("x-amzn-query-error", code + ";" + fault);
        } else {
            body = ("<ErrorResponse><Error><Type>" + fault + "</Type><Code>" + code + "</Code><Message>" + message
                            + "</Message></Error><RequestId>" + UUID.randomUUID() + "</RequestId></ErrorResponse>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/xml");
        }
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
        client.close();
    }
}
