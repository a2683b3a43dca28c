package dev.loadsplitter.local.container;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Containers in the runtime's own JVM, for stream handlers that take the function's environment
 * through a {@code Map} constructor (as {@code LoadSplitterHandler} does): quick to start, and the
 * process environment and system properties stay as they are. Each container is a handler
 * instance on a virtual thread; the function's classes come from one {@link FunctionClassLoader}
 * per jar, so the statics of the function's classes (its log format among them) are shared by its
 * containers and by no other function.
 */
final class InProcessHost implements ContainerHost {

    private static final Logger log = LoggerFactory.getLogger(InProcessHost.class);

    private final FunctionDefinition function;
    private final String functionArn;
    private final Clock clock;
    private final FunctionLog functionLog;
    private final FunctionClassLoader loader;
    private final ConcurrentHashMap<Integer, Container> containers = new ConcurrentHashMap<>();
    private volatile Class<? extends RequestStreamHandler> handlerClass;

    InProcessHost(FunctionDefinition function, String functionArn, Clock clock, FunctionLog functionLog) {
        this.function = function;
        this.functionArn = functionArn;
        this.clock = clock;
        this.functionLog = functionLog;
        this.loader = FunctionClassLoader.shared(function.jar(), InProcessHost.class.getClassLoader());
    }

    /**
     * Whether {@code function}'s handler can run in this JVM: a {@code RequestStreamHandler} with a
     * public constructor taking the environment as a {@code Map}.
     */
    static boolean accepts(FunctionDefinition function) {
        try {
            Class<?> type = Class.forName(
                    function.handlerClass(),
                    false,
                    FunctionClassLoader.shared(function.jar(), InProcessHost.class.getClassLoader()));
            type.getConstructor(Map.class);
            return RequestStreamHandler.class.isAssignableFrom(type)
                    && function.handlerMethod().equals("handleRequest");
        } catch (ClassNotFoundException | NoSuchMethodException | LinkageError e) {
            return false;
        }
    }

    @Override
    public Running start(int id, String requestId, byte[] payload, Duration timeout) {
        Container container = containers.computeIfAbsent(id, Container::new);
        Running running = new Running(new CompletableFuture<>(), new CompletableFuture<>());
        container.worker = Thread.ofVirtual()
                .name(function.name() + "-" + id + "-" + requestId)
                .start(() -> {
                    Thread.currentThread().setContextClassLoader(loader);
                    if (container.initialise(running.initialised())) {
                        running.outcome().complete(container.handle(payload, requestId, timeout));
                    } else {
                        containers.remove(id, container);
                        running.outcome().complete(container.initFailure);
                    }
                });
        return running;
    }

    @Override
    public boolean isWarm(int id) {
        Container container = containers.get(id);
        return container != null && container.handler != null;
    }

    @Override
    public void discard(int id) {
        Container container = containers.remove(id);
        if (container != null) {
            container.discard();
        }
    }

    @Override
    public void close() {
        containers.keySet().forEach(this::discard);
    }

    /** One handler instance; the runtime guarantees it runs one invocation at a time. */
    private final class Container {

        private final int id;
        private volatile RequestStreamHandler handler;
        private volatile Thread worker;
        private InvocationResult initFailure;

        Container(int id) {
            this.id = id;
        }

        /** Builds the handler on a cold start; completes {@code initialised} either way. */
        boolean initialise(CompletableFuture<Optional<Duration>> initialised) {
            if (handler != null) {
                initialised.complete(Optional.empty());
                return true;
            }
            Instant initStart = clock.instant();
            try {
                handler = newHandler();
                initialised.complete(Optional.of(Duration.between(initStart, clock.instant())));
                return true;
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
                log.warn("function {}: initialisation failed: {}", function.name(), cause.toString());
                initialised.complete(Optional.of(Duration.between(initStart, clock.instant())));
                initFailure = InvocationResult.FunctionError.initError(
                        InvocationResult.INIT_ERROR,
                        function.handlerClass() + " could not be initialised: " + cause,
                        java.util.List.of());
                return false;
            }
        }

        InvocationResult handle(byte[] payload, String requestId, Duration timeout) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                handler.handleRequest(
                        new ByteArrayInputStream(payload),
                        out,
                        new LocalContext(
                                requestId,
                                function,
                                functionArn,
                                logStream(),
                                clock.instant().plus(timeout),
                                clock,
                                functionLog));
                return new InvocationResult.Success(out.toByteArray());
            } catch (IOException | RuntimeException | Error e) {
                return new InvocationResult.FunctionError(e.getClass().getName(), String.valueOf(e.getMessage()));
            }
        }

        private String logStream() {
            return "local/[$LATEST]" + String.format("%032x", id);
        }

        void discard() {
            Thread running = worker;
            if (running != null) {
                running.interrupt();
            }
            if (handler instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    log.debug("function {}: closing container {} failed: {}", function.name(), id, e.toString());
                }
            }
            handler = null;
        }
    }

    private RequestStreamHandler newHandler() throws ReflectiveOperationException {
        return handlerClass().getConstructor(Map.class).newInstance(function.environment());
    }

    private Class<? extends RequestStreamHandler> handlerClass() throws ClassNotFoundException {
        Class<? extends RequestStreamHandler> known = handlerClass;
        if (known == null) {
            Class<?> loaded = Class.forName(function.handlerClass(), false, loader);
            if (!RequestStreamHandler.class.isAssignableFrom(loaded)) {
                throw new IllegalStateException("Handler class " + function.handlerClass() + " in " + function.jar()
                        + " does not implement com.amazonaws.services.lambda.runtime.RequestStreamHandler; "
                        + "run it with --isolation process.");
            }
            known = loaded.asSubclass(RequestStreamHandler.class);
            handlerClass = known;
        }
        return known;
    }
}
