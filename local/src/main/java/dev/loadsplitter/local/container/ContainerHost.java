package dev.loadsplitter.local.container;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where a function's containers live and run their invocations: in the runtime's own JVM, or in
 * a JVM of the function's own. The runtime decides which container runs what, and when one is
 * thrown away; the host builds handlers and runs them.
 */
interface ContainerHost extends AutoCloseable {

    /**
     * Starts one invocation in {@code container}, building its handler first when the container is
     * new to the host.
     *
     * @param timeout the function timeout, which the handler's context counts down from its start
     * @param traceHeader the invocation's X-Ray trace header, which Lambda's runtime puts where the function's AWS
     *     SDK finds it (its {@code SdkInternalThreadLocal}) for the invocation's calls
     */
    Running start(int container, String requestId, byte[] payload, Duration timeout, String traceHeader);

    /** Whether {@code container} has a handler already, so its next invocation is warm. */
    boolean isWarm(int container);

    /** Throws a container away, interrupting what it runs. */
    void discard(int container);

    /** Throws every container away. */
    @Override
    void close();

    /**
     * An invocation under way.
     *
     * @param initialised completes when the handler is ready: with the initialisation time on a cold start,
     *                    empty when warm
     * @param outcome completes with what the invocation returned
     */
    record Running(CompletableFuture<Optional<Duration>> initialised, CompletableFuture<InvocationResult> outcome) {}
}
