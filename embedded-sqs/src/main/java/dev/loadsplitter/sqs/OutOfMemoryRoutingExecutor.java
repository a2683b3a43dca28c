package dev.loadsplitter.sqs;

import com.typesafe.config.Config;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ThreadFactory;
import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.ForkJoinExecutorConfigurator;

/**
 * Pekko's fork-join executor for the embedded server's dispatchers, with one change: a thread that
 * dies of an {@link OutOfMemoryError} hands it to the JVM's default uncaught-exception handler, when
 * the program has set one, instead of to Pekko's. Pekko's own answer to a fatal error is {@code
 * System.exit(-1)} ({@code pekko.jvm-exit-on-fatal-error}), and shutdown hooks then run in a full heap
 * (a local run once ended with 134, a native abort). The program knows better what a full heap
 * means: the CLI's handler names the flag that gives more and exits with its own code.
 *
 * <p>Pekko creates it by name ({@code executor = "<this class>"}) with the dispatcher's section of the
 * configuration, and reads the {@code fork-join-executor} settings below it as usual.
 * https://pekko.apache.org/docs/pekko/current/typed/dispatchers.html
 */
final class OutOfMemoryRoutingExecutor extends ForkJoinExecutorConfigurator {

    /** Called by Pekko's dispatcher configuration, reflectively. */
    public OutOfMemoryRoutingExecutor(Config dispatcher, DispatcherPrerequisites prerequisites) {
        super(dispatcher.getConfig("fork-join-executor"), prerequisites);
    }

    @Override
    public ForkJoinPool.ForkJoinWorkerThreadFactory validate(ThreadFactory threads) {
        ForkJoinPool.ForkJoinWorkerThreadFactory pekko = super.validate(threads);
        return pool -> {
            ForkJoinWorkerThread thread = pekko.newThread(pool);
            Thread.UncaughtExceptionHandler pekkos = thread.getUncaughtExceptionHandler();
            thread.setUncaughtExceptionHandler((dying, error) -> route(dying, error, pekkos));
            return thread;
        };
    }

    static void route(Thread dying, Throwable error, Thread.UncaughtExceptionHandler otherwise) {
        Thread.UncaughtExceptionHandler program = Thread.getDefaultUncaughtExceptionHandler();
        if (error instanceof OutOfMemoryError && program != null) {
            program.uncaughtException(dying, error);
        } else {
            otherwise.uncaughtException(dying, error);
        }
    }
}
