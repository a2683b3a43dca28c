package dev.loadsplitter.engine.internal.concurrent;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Runs a function over a list, at most {@code limit} calls at once on a shared executor, and
 * returns the results in the list's order, each collected from its own future. A call that throws
 * gives the result {@code onError} makes of it, so one failure never hides the others. When the
 * caller is interrupted, every call not yet finished is cancelled and {@link InterruptedException}
 * is thrown.
 */
public final class BoundedParallel {

    private BoundedParallel() {}

    public static <I, O> List<O> map(
            List<I> inputs,
            int limit,
            ExecutorService executor,
            Function<I, O> call,
            BiFunction<I, Throwable, O> onError)
            throws InterruptedException {
        Objects.requireNonNull(executor, "executor");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        Semaphore permits = new Semaphore(limit);
        List<Future<O>> futures = new ArrayList<>(inputs.size());
        try {
            for (I input : inputs) {
                permits.acquire();
                try {
                    futures.add(executor.submit(() -> {
                        try {
                            return call.apply(input);
                        } finally {
                            permits.release();
                        }
                    }));
                } catch (RuntimeException e) {
                    permits.release();
                    throw e;
                }
            }
            List<O> results = new ArrayList<>(inputs.size());
            for (int i = 0; i < futures.size(); i++) {
                try {
                    results.add(futures.get(i).get());
                } catch (ExecutionException e) {
                    results.add(onError.apply(inputs.get(i), e.getCause()));
                }
            }
            return results;
        } catch (InterruptedException e) {
            futures.forEach(future -> future.cancel(true));
            throw e;
        }
    }
}
