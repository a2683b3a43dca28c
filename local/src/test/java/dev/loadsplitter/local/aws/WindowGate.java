package dev.loadsplitter.local.aws;

import dev.loadsplitter.engine.internal.time.Sleeper;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The endpoint's wait for a transaction window, held by a test: a transaction that enters its
 * window stays pending until the test opens the gate, so conflicts are tested without timing.
 */
final class WindowGate implements Sleeper {

    private final Semaphore entered = new Semaphore(0);
    private final CountDownLatch open = new CountDownLatch(1);

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        entered.release();
        open.await();
    }

    /** Waits until {@code transactions} transactions are pending in their window. */
    void awaitPending(int transactions) throws InterruptedException {
        if (!entered.tryAcquire(transactions, 30, TimeUnit.SECONDS)) {
            throw new AssertionError("no transaction reached its window within 30 s");
        }
    }

    /** Lets every pending transaction, and every later one, commit. */
    void open() {
        open.countDown();
    }
}
