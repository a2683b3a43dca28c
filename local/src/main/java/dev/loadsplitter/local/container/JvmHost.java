package dev.loadsplitter.local.container;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Containers in a JVM of the function's own, as Lambda runs a function: started with the
 * function's environment, so {@code System.getenv()} sees it; only Lambda's runtime on the class
 * path; handlers built and called by Lambda's runtime interface client, so every handler shape
 * and its serialisation behave as on Lambda. A JVM that dies is started again on the next
 * invocation, with every container cold.
 */
final class JvmHost implements ContainerHost {

    private final FunctionDefinition function;
    private final String functionArn;
    private final Map<String, String> environment;
    private final FunctionLog log;
    private final Clock clock;
    private HostProcess process;
    private long peakResidentBytes;

    JvmHost(FunctionDefinition function, String functionArn, String region, FunctionLog log, Clock clock) {
        this.function = function;
        this.functionArn = functionArn;
        this.environment = ProcessEnvironment.of(function, region);
        this.log = log;
        this.clock = clock;
        // The JVM starts now, as a deployment's runtime is ready before its first event arrives; a JVM that
        // dies later is started again by the invocation that finds it gone.
        Thread.ofVirtual().name("host-" + function.name() + "-start").start(() -> {
            try {
                process();
            } catch (RuntimeException e) {
                log.event("", clock.instant(), "The function's JVM did not start: " + e.getMessage());
            }
        });
    }

    private synchronized HostProcess process() {
        if (process == null || !process.alive()) {
            if (process != null) {
                process.close();
            }
            process = HostProcess.start(function, environment, log, clock);
        }
        return process;
    }

    @Override
    public Running start(int container, String requestId, byte[] payload, Duration timeout, String traceHeader) {
        return process().invoke(container, requestId, payload, timeout, functionArn, traceHeader);
    }

    @Override
    public synchronized boolean isWarm(int container) {
        return process != null && process.alive() && process.isWarm(container);
    }

    @Override
    public synchronized void discard(int container) {
        if (process != null) {
            process.discard(container);
        }
    }

    /** The function JVM's peak resident memory so far (Linux), for reports. */
    synchronized Optional<Long> peakResidentBytes() {
        if (process != null) {
            process.residentBytes().ifPresent(bytes -> peakResidentBytes = Math.max(peakResidentBytes, bytes));
        }
        return peakResidentBytes == 0 ? Optional.empty() : Optional.of(peakResidentBytes);
    }

    @Override
    public synchronized void close() {
        peakResidentBytes();
        if (process != null) {
            process.close();
            process = null;
        }
    }
}
