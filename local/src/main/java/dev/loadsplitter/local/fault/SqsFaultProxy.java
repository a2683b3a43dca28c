package dev.loadsplitter.local.fault;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small HTTP proxy in front of the SQS endpoint that answers a share of requests with an error
 * instead of forwarding them: half 500 {@code InternalError}, half 400 {@code ThrottlingException},
 * in the AWS JSON protocol's shape. The SDK's own retry path (backoff, throttling handling) is what
 * gets exercised; a failed request never reaches the server, so it has no effect there.
 */
public final class SqsFaultProxy implements AutoCloseable {

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
    private final double faultRate;
    private final SplittableRandom random;
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong faults = new AtomicLong();

    private SqsFaultProxy(HttpServer server, URI target, double faultRate, long seed) {
        this.server = server;
        this.target = target;
        this.faultRate = faultRate;
        this.random = new SplittableRandom(seed);
        this.client = HttpClient.newBuilder()
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    /** Starts on a free loopback port in front of {@code target}. */
    public static SqsFaultProxy start(URI target, double faultRate, long seed) {
        if (!(faultRate >= 0 && faultRate <= 1)) {
            throw new IllegalArgumentException("SQS fault rate must be from 0 to 1, got " + faultRate);
        }
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            SqsFaultProxy proxy = new SqsFaultProxy(server, target, faultRate, seed);
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

    /** Requests answered with an injected error. */
    public long faults() {
        return faults.get();
    }

    /** Requests passed through to the server. */
    public long forwarded() {
        return forwarded.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            double draw;
            synchronized (random) {
                draw = random.nextDouble();
            }
            if (draw < faultRate) {
                faults.incrementAndGet();
                boolean throttle = draw < faultRate / 2;
                String type = throttle ? "ThrottlingException" : "InternalError";
                byte[] error = JsonNodeFactory.instance
                        .objectNode()
                        .put("__type", "com.amazonaws.sqs#" + type)
                        .put("message", "injected by the SQS fault proxy (--sqs-fault-rate)")
                        .toString()
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
                exchange.getResponseHeaders()
                        .set("x-amzn-query-error", type + ";" + (throttle ? "Sender" : "Receiver"));
                exchange.sendResponseHeaders(throttle ? 400 : 500, error.length);
                exchange.getResponseBody().write(error);
                return;
            }
            forwarded.incrementAndGet();
            HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI()))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(value -> request.header(name, value));
                }
            });
            HttpResponse<byte[]> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(503, -1);
                return;
            }
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
    }

    @Override
    public void close() {
        server.stop(0);
        client.close();
    }
}
