package dev.loadsplitter.host;

import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.api.client.EventHandlerLoader;
import com.amazonaws.services.lambda.runtime.api.client.HandlerInfo;
import com.amazonaws.services.lambda.runtime.api.client.LambdaRequestHandler;
import com.amazonaws.services.lambda.runtime.api.client.UserFault;
import com.amazonaws.services.lambda.runtime.api.client.runtimeapi.DtoSerializers;
import com.amazonaws.services.lambda.runtime.api.client.runtimeapi.converters.LambdaErrorConverter;
import com.amazonaws.services.lambda.runtime.api.client.runtimeapi.dto.ErrorRequest;
import com.amazonaws.services.lambda.runtime.api.client.runtimeapi.dto.InvocationRequest;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.utilslite.SdkInternalThreadLocal;

/**
 * The function's containers in this JVM: each one a handler instance that Lambda's runtime
 * interface client built from the function's class loader, running one invocation at a time on a
 * virtual thread of its own.
 */
final class Containers {

    private static final InheritableThreadLocal<String> REQUEST = new InheritableThreadLocal<>();

    /**
     * Where Lambda's runtime interface client keeps the invocation's trace header for the AWS SDK (in
     * multi-concurrency mode, as several containers share this JVM): {@code AWSLambda.startRuntimeLoop}.
     */
    static final String TRACE_ID_KEY = "AWS_LAMBDA_X_TRACE_ID";

    private final String handler;
    private final ClassLoader functionLoader;
    private final HostChannel channel;
    private final FunctionOutput output;
    private final LambdaLogger logger;
    private final ConcurrentHashMap<Integer, Container> containers = new ConcurrentHashMap<>();

    Containers(
            String handler,
            ClassLoader functionLoader,
            HostChannel channel,
            FunctionOutput output,
            LambdaLogger logger) {
        this.handler = handler;
        this.functionLoader = functionLoader;
        this.channel = channel;
        this.output = output;
        this.logger = logger;
    }

    /** The request id of the invocation the calling thread works for, or {@code ""}. */
    static String currentRequest() {
        String requestId = REQUEST.get();
        return requestId == null ? "" : requestId;
    }

    void invoke(HostFrame.Invoke invoke) {
        Container container = containers.computeIfAbsent(invoke.container(), Container::new);
        Thread.ofVirtual()
                .name("container-" + invoke.container() + "-" + invoke.requestId())
                .start(() -> container.run(invoke));
    }

    void discard(int id) {
        Container container = containers.remove(id);
        if (container != null) {
            container.discard();
        }
    }

    /** One execution environment's handler, built on its first invocation. */
    private final class Container {

        private final int id;
        private LambdaRequestHandler handler;
        private volatile Thread running;

        Container(int id) {
            this.id = id;
        }

        void run(HostFrame.Invoke invoke) {
            running = Thread.currentThread();
            REQUEST.set(invoke.requestId());
            Thread.currentThread().setContextClassLoader(functionLoader);
            try {
                if (handler == null && !initialise(invoke.requestId())) {
                    return;
                }
                InvocationRequest request = new InvocationRequest();
                request.setId(invoke.requestId());
                request.setInvokedFunctionArn(invoke.functionArn());
                request.setDeadlineTimeInMs(System.currentTimeMillis() + invoke.timeoutMillis());
                request.setContent(invoke.payload());
                request.setXrayTraceId(invoke.traceHeader());
                HostFrame.Result result;
                // The function's SDK is loaded parent-first, so it reads this very class, as on Lambda; the
                // invocation's child threads inherit its map.
                SdkInternalThreadLocal.put(TRACE_ID_KEY, invoke.traceHeader());
                try {
                    ByteArrayOutputStream response = handler.call(request);
                    result = new HostFrame.Result(invoke.requestId(), HostFrame.Kind.SUCCESS, response.toByteArray());
                } catch (Throwable t) {
                    result = new HostFrame.Result(invoke.requestId(), HostFrame.Kind.ERROR, reportError(t));
                } finally {
                    SdkInternalThreadLocal.remove(TRACE_ID_KEY);
                }
                output.flushThread();
                channel.send(result);
            } finally {
                REQUEST.remove();
                running = null;
                Thread.interrupted();
            }
        }

        /**
         * Builds the handler as Lambda's runtime does; a failure answers the invocation with Lambda's
         * error and throws the container away.
         */
        private boolean initialise(String requestId) {
            long start = System.nanoTime();
            LambdaRequestHandler loaded;
            try {
                loaded = load();
            } catch (Throwable t) {
                loaded = LambdaRequestHandler.initErrorHandler(t, HandlerInfo.className(Containers.this.handler));
            }
            channel.send(new HostFrame.Initialised(requestId, System.nanoTime() - start));
            if (loaded instanceof LambdaRequestHandler.UserFaultHandler failed) {
                logger.log(failed.fault.reportableError());
                output.flushThread();
                containers.remove(id, this);
                channel.send(new HostFrame.Result(
                        requestId,
                        HostFrame.Kind.INIT_ERROR,
                        DtoSerializers.serialize(LambdaErrorConverter.fromUserFault(failed.fault))));
                return false;
            }
            handler = loaded;
            return true;
        }

        /**
         * Finds the handler the way the runtime interface client's {@code AWSLambda.findRequestHandler}
         * does (aws-lambda-java-libs, aws-lambda-java-runtime-interface-client), from public parts of it.
         */
        private LambdaRequestHandler load() {
            String name = Containers.this.handler;
            HandlerInfo info;
            try {
                info = HandlerInfo.fromString(name, functionLoader);
            } catch (HandlerInfo.InvalidHandlerException e) {
                return new LambdaRequestHandler.UserFaultHandler(
                        UserFault.makeUserFault("Invalid handler: `" + name + "'"));
            } catch (ClassNotFoundException e) {
                return LambdaRequestHandler.classNotFound(e, HandlerInfo.className(name));
            } catch (NoClassDefFoundError e) {
                return LambdaRequestHandler.initErrorHandler(e, HandlerInfo.className(name));
            }
            return EventHandlerLoader.loadEventHandler(info);
        }

        /** Logs the fault as Lambda does and returns the error object Lambda answers with. */
        private byte[] reportError(Throwable t) {
            UserFault.filterStackTrace(t);
            UserFault fault = t instanceof UserFault userFault ? userFault : UserFault.makeUserFault(t);
            logger.log(fault.reportableError());
            ErrorRequest error = t instanceof UserFault userFault
                    ? LambdaErrorConverter.fromUserFault(userFault)
                    : LambdaErrorConverter.fromThrowable(t);
            return DtoSerializers.serialize(error);
        }

        void discard() {
            Thread thread = running;
            if (thread != null) {
                thread.interrupt();
            }
            if (handler != null) {
                handler = null;
            }
        }
    }
}
