package dev.loadsplitter.local.aws;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The small HTTP/1.1 server the AWS JSON protocols need: POST requests with a body (by
 * {@code Content-Length} or chunked), keep-alive connections, one virtual thread per connection
 * (not per request), and answers that can be dropped: a connection closed with a reset and no
 * answer, as when a container dies or the network loses the answer. It replaced the JDK's
 * {@code HttpServer}, which spent more of the endpoint's CPU on each call than the DynamoDB work did
 * (a virtual thread, a header map and an event queue per request): docs/performance.md.
 */
final class JsonHttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JsonHttpServer.class);
    /** The longest head (request line and headers) taken. */
    private static final int MAX_HEAD_BYTES = 64 * 1024;
    /** The largest body taken: above DynamoDB's 16 MB BatchWriteItem. */
    static final int MAX_BODY_BYTES = 32 * 1024 * 1024;
    /** An idle kept-alive connection is closed after this long. */
    private static final int IDLE_MILLIS = 5 * 60 * 1000;

    /** A request: its method, target, headers (names in lower case) and body. */
    record Request(String method, String target, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** What to do with a request. */
    sealed interface Answer {}

    /** Answer with {@code status} and a body of {@code contentType}. */
    record Respond(int status, String contentType, byte[] body) implements Answer {}

    /** Answer nothing: reset the connection. */
    record Drop() implements Answer {}

    /** Answers one request. */
    @FunctionalInterface
    interface Handler {
        Answer handle(Request request);
    }

    private final ServerSocket socket;
    private final Handler handler;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong requestIds = new AtomicLong();
    private final Thread acceptor;
    private volatile boolean closing;

    private JsonHttpServer(ServerSocket socket, Handler handler) {
        this.socket = socket;
        this.handler = handler;
        this.acceptor = Thread.ofPlatform()
                .daemon()
                .name("local-aws-accept-" + socket.getLocalPort())
                .unstarted(this::accept);
    }

    /**
     * Listens on {@code host:port} (0 for a free port).
     *
     * @throws IOException when the address cannot be bound
     */
    static JsonHttpServer start(String host, int port, Handler handler) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        try {
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port), 1024);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        JsonHttpServer server = new JsonHttpServer(socket, handler);
        server.acceptor.start();
        return server;
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private void accept() {
        while (!closing) {
            Socket connection;
            try {
                connection = socket.accept();
            } catch (IOException e) {
                if (!closing) {
                    log.warn(
                            "local AWS endpoint on port {}: accepting a connection failed: {}",
                            socket.getLocalPort(),
                            e.toString());
                }
                continue;
            }
            connections.add(connection);
            Thread.ofVirtual().name("local-aws-connection").start(() -> serve(connection));
        }
    }

    private void serve(Socket connection) {
        try (connection) {
            connection.setTcpNoDelay(true);
            connection.setSoTimeout(IDLE_MILLIS);
            Input in = new Input(connection.getInputStream());
            OutputStream out = new BufferedOutputStream(connection.getOutputStream(), 16 * 1024);
            while (!closing) {
                Request request = read(in, out);
                if (request == null) {
                    return; // the client closed the connection
                }
                Answer answer = handler.handle(request);
                if (answer instanceof Respond respond) {
                    write(out, respond, request);
                    if ("close".equalsIgnoreCase(request.header("connection"))) {
                        return;
                    }
                } else {
                    reset(connection);
                    return;
                }
            }
        } catch (BadRequest e) {
            log.debug("local AWS endpoint: refused a request: {}", e.getMessage());
        } catch (IOException e) {
            log.debug("local AWS endpoint: a connection ended: {}", e.toString());
        } finally {
            connections.remove(connection);
        }
    }

    /** Closes with a reset (RST), not a FIN: no answer at all. */
    private static void reset(Socket connection) {
        try {
            connection.setSoLinger(true, 0);
        } catch (SocketException e) {
            // closing is what matters
        }
    }

    /**
     * A connection's bytes through a buffer of our own: the head is read a byte at a time, and
     * BufferedInputStream takes a lock for each.
     */
    private static final class Input {
        private final InputStream in;
        private final byte[] buffer = new byte[16 * 1024];
        private int position;
        private int limit;

        Input(InputStream in) {
            this.in = in;
        }

        int read() throws IOException {
            if (position == limit && !fill()) {
                return -1;
            }
            return buffer[position++] & 0xFF;
        }

        byte[] readNBytes(int count) throws IOException {
            byte[] bytes = new byte[count];
            int copied = Math.min(count, limit - position);
            System.arraycopy(buffer, position, bytes, 0, copied);
            position += copied;
            while (copied < count) {
                int read = in.read(bytes, copied, count - copied);
                if (read < 0) {
                    return java.util.Arrays.copyOf(bytes, copied);
                }
                copied += read;
            }
            return bytes;
        }

        private boolean fill() throws IOException {
            int read = in.read(buffer, 0, buffer.length);
            if (read <= 0) {
                return false;
            }
            position = 0;
            limit = read;
            return true;
        }
    }

    /** A request too broken to answer normally. */
    private static final class BadRequest extends IOException {
        BadRequest(String message) {
            super(message);
        }
    }

    /** The next request on the connection, or null at its end. */
    private static Request read(Input in, OutputStream out) throws IOException {
        String requestLine = line(in, true);
        while (requestLine != null && requestLine.isEmpty()) {
            requestLine = line(in, true); // a stray CRLF between requests
        }
        if (requestLine == null) {
            return null;
        }
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
            badRequest(out, "Malformed request line: " + requestLine);
        }
        Map<String, String> headers = new HashMap<>(32);
        int headBytes = requestLine.length();
        for (String header = line(in, false); !header.isEmpty(); header = line(in, false)) {
            headBytes += header.length();
            if (headBytes > MAX_HEAD_BYTES) {
                badRequest(out, "The request's headers are over " + MAX_HEAD_BYTES + " bytes");
            }
            int colon = header.indexOf(':');
            if (colon <= 0) {
                badRequest(out, "Malformed header: " + header);
            }
            headers.merge(
                    header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    header.substring(colon + 1).trim(),
                    (first, second) -> first + "," + second);
        }
        if ("100-continue".equalsIgnoreCase(headers.get("expect"))) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        byte[] body;
        String encoding = headers.get("transfer-encoding");
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            body = chunked(in, out);
        } else {
            String length = headers.getOrDefault("content-length", "0");
            long size;
            try {
                size = Long.parseLong(length);
            } catch (NumberFormatException e) {
                size = -1;
            }
            if (size < 0 || size > MAX_BODY_BYTES) {
                badRequest(out, "Content-Length must be 0 to " + MAX_BODY_BYTES + ", got " + length);
            }
            body = in.readNBytes((int) size);
            if (body.length != size) {
                throw new IOException("The connection ended inside a request body");
            }
        }
        return new Request(parts[0], parts[1], headers, body);
    }

    private static byte[] chunked(Input in, OutputStream out) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line(in, false);
            int semicolon = sizeLine.indexOf(';');
            int size;
            try {
                size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            } catch (NumberFormatException e) {
                badRequest(out, "Malformed chunk size: " + sizeLine);
                return null;
            }
            if (size == 0) {
                for (String trailer = line(in, false); !trailer.isEmpty(); trailer = line(in, false)) {
                    // trailers are ignored
                }
                return body.toByteArray();
            }
            if (size < 0 || body.size() + size > MAX_BODY_BYTES) {
                badRequest(out, "The chunked body is over " + MAX_BODY_BYTES + " bytes");
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length != size) {
                throw new IOException("The connection ended inside a chunk");
            }
            body.write(chunk);
            line(in, false);
        }
    }

    /** One CRLF-terminated line; null at the end of the stream when {@code endAllowed}. */
    private static String line(Input in, boolean endAllowed) throws IOException {
        StringBuilder line = new StringBuilder(256);
        while (true) {
            int c = in.read();
            if (c < 0) {
                if (endAllowed && line.isEmpty()) {
                    return null;
                }
                throw new IOException("The connection ended inside a request's head");
            }
            if (c == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            if (line.length() > MAX_HEAD_BYTES) {
                throw new BadRequest("A request line or header is over " + MAX_HEAD_BYTES + " bytes");
            }
            line.append((char) c);
        }
    }

    private static void badRequest(OutputStream out, String problem) throws IOException {
        byte[] body = ("{\"__type\":\"SerializationException\",\"message\":\"" + problem.replace("\"", "'") + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 400 Bad Request\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: "
                        + body.length + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        throw new BadRequest(problem);
    }

    private void write(OutputStream out, Respond respond, Request request) throws IOException {
        String head = "HTTP/1.1 " + respond.status() + " " + reason(respond.status()) + "\r\n"
                + "Content-Type: " + respond.contentType() + "\r\n"
                + "Content-Length: " + respond.body().length + "\r\n"
                + "x-amzn-RequestId: local-" + requestIds.incrementAndGet() + "\r\n"
                + ("close".equalsIgnoreCase(request.header("connection")) ? "Connection: close\r\n" : "")
                + "\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(respond.body());
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 413 -> "Payload Too Large";
            default -> "Internal Server Error";
        };
    }

    /** Stops accepting, and closes every connection, interrupting nothing the handler does. */
    @Override
    public void close() {
        closing = true;
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not close the endpoint's socket", e);
        }
        for (Socket connection : connections) {
            try {
                connection.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
