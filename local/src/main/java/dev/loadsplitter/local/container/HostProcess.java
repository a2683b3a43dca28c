package dev.loadsplitter.local.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.host.HostFrame;
import dev.loadsplitter.local.memory.ResidentMemory;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One function JVM and the socket to it: sends invocations, matches their results and log events
 * to them, and fails what is in flight, as Lambda does, when the JVM exits.
 */
final class HostProcess implements AutoCloseable {

    /** How long a new JVM may take to connect back and present its token. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A collector chosen on a JVM's options: {@code -XX:+UseParallelGC}, {@code -XX:+UseShenandoahGC}, ... */
    private static final Pattern GC_CHOICE = Pattern.compile("-XX:\\+Use\\w+GC\\b");

    private final FunctionDefinition function;
    private final Process process;
    private final Socket socket;
    private final DataOutputStream out;
    private final FunctionLog log;
    private final Clock clock;
    private final Set<Integer> warm = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    private volatile boolean alive = true;

    private record Pending(int container, ContainerHost.Running running) {}

    private HostProcess(FunctionDefinition function, Process process, Socket socket, FunctionLog log, Clock clock)
            throws IOException {
        this.function = function;
        this.process = process;
        this.socket = socket;
        this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
        this.log = log;
        this.clock = clock;
    }

    /**
     * Starts the function's JVM with {@code environment} as its whole environment, gives it its token
     * on stdin, and waits for it to connect with that token ({@link HostListener}).
     */
    static HostProcess start(
            FunctionDefinition function, Map<String, String> environment, FunctionLog log, Clock clock) {
        try (HostListener listener = HostListener.open(function.name())) {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-D" + HostFrame.PORT_PROPERTY + "=" + listener.port()));
            command.addAll(lambdaJvmDefaults(environment));
            command.addAll(List.of(
                    // Native libraries in a function's jar (the AWS CRT's) load without the JDK 22+ warning,
                    // which Lambda's java21 runtime never prints.
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp",
                    HostJar.path().toString(),
                    "dev.loadsplitter.host.HostMain",
                    function.handler(),
                    function.jar().toAbsolutePath().toString()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().clear();
            builder.environment().putAll(environment);
            Process process = builder.start();
            pump(function, process, log, clock);
            try (var stdin = process.getOutputStream()) {
                stdin.write(listener.tokenLine());
            } catch (IOException e) {
                // The JVM is already gone: waiting for it below says so with its exit status.
            }
            Socket socket;
            try {
                socket = listener.await(CONNECT_TIMEOUT, process);
            } catch (IllegalStateException e) {
                process.destroyForcibly();
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new IllegalStateException(
                        "Interrupted while the JVM of function " + function.name() + " was starting", e);
            }
            HostProcess host = new HostProcess(function, process, socket, log, clock);
            Thread.ofPlatform()
                    .daemon()
                    .name("host-" + function.name() + "-reader")
                    .start(host::readFrames);
            return host;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the JVM of function " + function.name(), e);
        }
    }

    /**
     * The JVM flags Lambda's java17 and java21 runtimes use unless the function's {@code
     * JAVA_TOOL_OPTIONS} says otherwise: tiered compilation stopped at level 1 (C1 only) and the
     * serial collector. On the command line they would win over {@code JAVA_TOOL_OPTIONS}, which the
     * JVM reads first, so each is left out when the function's own options set that choice.
     *
     * @see <a href="https://docs.aws.amazon.com/lambda/latest/dg/java-customization.html">Customize
     *     Java runtime startup behavior</a> (read 2026-12-04)
     */
    static List<String> lambdaJvmDefaults(Map<String, String> environment) {
        String own = environment.getOrDefault("JAVA_TOOL_OPTIONS", "");
        List<String> flags = new ArrayList<>();
        if (!own.contains("TieredCompilation") && !own.contains("TieredStopAtLevel")) {
            flags.add("-XX:+TieredCompilation");
            flags.add("-XX:TieredStopAtLevel=1");
        }
        if (!GC_CHOICE.matcher(own).find()) {
            flags.add("-XX:+UseSerialGC");
        }
        return flags;
    }

    /** What the JVM itself prints (before the host takes stdout over, or as it dies) goes to the function's log. */
    private static void pump(FunctionDefinition function, Process process, FunctionLog log, Clock clock) {
        Thread.ofPlatform().daemon().name("host-" + function.name() + "-output").start(() -> {
            try (BufferedReader reader =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    log.event("", clock.instant(), line);
                }
            } catch (IOException e) {
                // The JVM is gone; readFrames reports it.
            }
        });
    }

    boolean alive() {
        return alive;
    }

    boolean isWarm(int container) {
        return warm.contains(container);
    }

    ContainerHost.Running invoke(
            int container, String requestId, byte[] payload, Duration timeout, String arn, String traceHeader) {
        ContainerHost.Running running = new ContainerHost.Running(
                new java.util.concurrent.CompletableFuture<>(), new java.util.concurrent.CompletableFuture<>());
        if (warm.contains(container)) {
            running.initialised().complete(Optional.empty());
        }
        pending.put(requestId, new Pending(container, running));
        if (!send(new HostFrame.Invoke(container, requestId, timeout.toMillis(), arn, traceHeader, payload))) {
            fail(pending.remove(requestId));
        }
        return running;
    }

    void discard(int container) {
        warm.remove(container);
        send(new HostFrame.Discard(container));
    }

    private boolean send(HostFrame frame) {
        if (!alive) {
            return false;
        }
        try {
            synchronized (out) {
                HostFrame.write(out, frame);
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void readFrames() {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024))) {
            while (true) {
                switch (HostFrame.read(in)) {
                    case HostFrame.Initialised initialised -> {
                        Pending waiting = pending.get(initialised.requestId());
                        if (waiting != null) {
                            warm.add(waiting.container());
                            waiting.running()
                                    .initialised()
                                    .complete(Optional.of(Duration.ofNanos(initialised.initNanos())));
                        }
                    }
                    case HostFrame.Result result -> {
                        Pending done = pending.remove(result.requestId());
                        if (done != null) {
                            InvocationResult outcome = toResult(result);
                            if (outcome instanceof InvocationResult.FunctionError error && error.initFailed()) {
                                warm.remove(done.container());
                            }
                            done.running().initialised().complete(Optional.empty());
                            done.running().outcome().complete(outcome);
                        }
                    }
                    case HostFrame.Log event ->
                        log.event(
                                event.requestId(),
                                Instant.ofEpochMilli(event.epochMillis()),
                                new String(event.message(), StandardCharsets.UTF_8));
                    default -> throw new IOException("the host sent a frame the runtime does not take");
                }
            }
        } catch (IOException e) {
            // The JVM exited or the channel broke: what is in flight fails as Lambda fails it.
        } finally {
            alive = false;
            warm.clear();
            pending.keySet().forEach(requestId -> fail(pending.remove(requestId)));
        }
    }

    private void fail(Pending lost) {
        if (lost == null) {
            return;
        }
        String status;
        try {
            status = process.waitFor(5, TimeUnit.SECONDS) ? "exit status " + process.exitValue() : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = "unknown";
        }
        lost.running().initialised().complete(Optional.empty());
        lost.running()
                .outcome()
                .complete(new InvocationResult.FunctionError(
                        "Runtime.ExitError",
                        "Runtime exited with error: " + status + " (the JVM of function " + function.name() + ")"));
    }

    /** The invocation's outcome from Lambda's own answer: the response, or its error object. */
    private static InvocationResult toResult(HostFrame.Result result) {
        if (result.kind() == HostFrame.Kind.SUCCESS) {
            return new InvocationResult.Success(result.body());
        }
        // A fault the runtime raises itself (no handler method, an invalid handler string) has no exception type;
        // Lambda's runtime interface client reports such init errors as Runtime.BadFunctionCode (RapidErrorType).
        String type = result.kind() == HostFrame.Kind.INIT_ERROR ? "Runtime.BadFunctionCode" : "Runtime.Unknown";
        String message = new String(result.body(), StandardCharsets.UTF_8);
        List<String> stack = new ArrayList<>();
        try {
            JsonNode error = JSON.readTree(result.body());
            type = error.path("errorType").asText(type);
            message = error.path("errorMessage").asText("");
            error.path("stackTrace").forEach(frame -> stack.add(frame.asText()));
        } catch (IOException e) {
            // Not Lambda's error object: the raw body is the message.
        }
        return result.kind() == HostFrame.Kind.INIT_ERROR
                ? InvocationResult.FunctionError.initError(type, message, stack)
                : new InvocationResult.FunctionError(type, message, stack, false);
    }

    @Override
    public void close() {
        alive = false;
        try {
            socket.close();
        } catch (IOException e) {
            // Closing anyway.
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** The JVM's peak resident memory so far, in bytes (Linux). */
    Optional<Long> residentBytes() {
        return ResidentMemory.peakBytes(process.pid());
    }
}
