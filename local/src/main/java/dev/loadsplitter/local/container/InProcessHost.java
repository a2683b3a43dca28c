package dev.loadsplitter.local.container;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * containers and by no other function. The map holds the function's variables and those Lambda
 * sets ({@link ProcessEnvironment}), as its own JVM's environment would.
 *
 * <p>As Lambda's runtime interface client does, each invocation's trace header is put into the AWS
 * SDK's {@code SdkInternalThreadLocal} under {@code AWS_LAMBDA_X_TRACE_ID} on the container's thread,
 * and removed when the handler returns; the class is the function jar's own, so it is reached through
 * the function's class loader. A jar without the SDK has none, and gets none.
 */
final class InProcessHost implements ContainerHost {

    private static final Logger log = LoggerFactory.getLogger(InProcessHost.class);

    private final FunctionDefinition function;
    private final String functionArn;
    private final Clock clock;
    private final FunctionLog functionLog;
    private final FunctionClassLoader loader;
    private final ConcurrentHashMap<Integer, Container> containers = new ConcurrentHashMap<>();
    private final Map<String, String> environment;
    private volatile Class<? extends RequestStreamHandler> handlerClass;
    private final TraceSlot traceSlot;

    /** The key Lambda's runtime interface client and the SDK's {@code TraceIdExecutionInterceptor} share. */
    static final String TRACE_ID_KEY = "AWS_LAMBDA_X_TRACE_ID";

    private static final String SDK_THREAD_LOCAL = "software.amazon.awssdk.utilslite.SdkInternalThreadLocal";

    InProcessHost(
            FunctionDefinition function, String functionArn, String region, Clock clock, FunctionLog functionLog) {
        this.function = function;
        this.functionArn = functionArn;
        this.clock = clock;
        this.functionLog = functionLog;
        this.loader = FunctionClassLoader.shared(function.jar(), InProcessHost.class.getClassLoader());
        this.environment = Map.copyOf(ProcessEnvironment.of(function, region));
        this.traceSlot = TraceSlot.in(loader);
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
    public Running start(int id, String requestId, byte[] payload, Duration timeout, String traceHeader) {
        Container container = containers.computeIfAbsent(id, Container::new);
        Running running = new Running(new CompletableFuture<>(), new CompletableFuture<>());
        // A container's thread inherits nothing from the runtime thread that starts it: the function's
        // SdkInternalThreadLocal map is its invocation's own, never one shared with another container's thread.
        container.worker = Thread.ofVirtual()
                .inheritInheritableThreadLocals(false)
                .name(function.name() + "-" + id + "-" + requestId)
                .start(() -> {
                    Thread.currentThread().setContextClassLoader(loader);
                    if (container.initialise(running.initialised())) {
                        running.outcome().complete(container.handle(payload, requestId, timeout, traceHeader));
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

        InvocationResult handle(byte[] payload, String requestId, Duration timeout, String traceHeader) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            traceSlot.put(traceHeader);
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
                                functionLog,
                                traceHeader));
                return new InvocationResult.Success(out.toByteArray());
            } catch (IOException | RuntimeException | Error e) {
                // Lambda's runtime logs what the handler threw, its causes and stack, in the invocation's log
                // (the runtime interface client's UserFault.reportableError), and reports its frames.
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                functionLog.event(requestId, clock.instant(), trace.toString().stripTrailing());
                List<String> frames = new ArrayList<>();
                for (StackTraceElement frame : e.getStackTrace()) {
                    if (frame.getClassName().startsWith(InProcessHost.class.getName())) {
                        break; // the runtime's own frames, which Lambda's runtime leaves out too
                    }
                    frames.add(frame.getClassName() + "." + frame.getMethodName() + "(" + frame.getFileName() + ":"
                            + frame.getLineNumber() + ")");
                }
                return new InvocationResult.FunctionError(
                        e.getClass().getName(), String.valueOf(e.getMessage()), frames, false);
            } finally {
                traceSlot.remove();
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
        return handlerClass().getConstructor(Map.class).newInstance(environment);
    }

    /** The function SDK's {@code SdkInternalThreadLocal}, on the calling thread: or nothing, for a jar without it. */
    private interface TraceSlot {

        void put(String traceHeader);

        void remove();

        static TraceSlot in(ClassLoader loader) {
            Method put;
            Method remove;
            try {
                Class<?> threadLocal = Class.forName(SDK_THREAD_LOCAL, true, loader);
                put = threadLocal.getMethod("put", String.class, String.class);
                remove = threadLocal.getMethod("remove", String.class);
            } catch (ClassNotFoundException | NoSuchMethodException | LinkageError e) {
                return new TraceSlot() {
                    @Override
                    public void put(String traceHeader) {}

                    @Override
                    public void remove() {}
                };
            }
            // The first reflective call of a method spins its accessor, which can take tens of milliseconds on a
            // busy machine: made now, while the runtime starts, not inside an invocation's function timeout. Both
            // calls leave the starting thread without a map (put with null only removes).
            call(put, TRACE_ID_KEY, null);
            call(remove, TRACE_ID_KEY);
            return new TraceSlot() {
                @Override
                public void put(String traceHeader) {
                    call(put, TRACE_ID_KEY, traceHeader);
                }

                @Override
                public void remove() {
                    call(remove, TRACE_ID_KEY);
                }
            };
        }

        private static void call(Method method, Object... arguments) {
            try {
                method.invoke(null, arguments);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("Could not reach the function's " + SDK_THREAD_LOCAL, e);
            }
        }
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
