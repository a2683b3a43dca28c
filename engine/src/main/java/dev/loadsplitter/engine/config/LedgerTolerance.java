package dev.loadsplitter.engine.config;

/**
 * The failures a job tolerates before it stops, as Step Functions' Distributed Map counts them
 * ({@code ToleratedFailureCount}, {@code ToleratedFailurePercentage}): the job stops when its
 * dead-lettered items strictly exceed either bound.
 *
 * @param count the most failed items; -1 for no bound
 * @param percentage the most failed items as a share of the job's items, 0 to 100; -1 for no bound
 */
public record LedgerTolerance(long count, double percentage) {

    public LedgerTolerance {
        if (count < -1) {
            throw new IllegalArgumentException("tolerated failure count must be 0 or more, got " + count);
        }
        if (percentage != -1 && !(percentage >= 0 && percentage <= 100)) {
            throw new IllegalArgumentException("tolerated failure percentage must be from 0 to 100, got " + percentage);
        }
    }

    /** No bound: a job runs every item. */
    public static LedgerTolerance none() {
        return new LedgerTolerance(-1, -1);
    }

    /** The most failed items a job of {@code items} tolerates; -1 for no bound. */
    public long toleratedOf(long items) {
        long byPercentage = percentage < 0 ? -1 : (long) Math.floor(percentage * items / 100.0);
        if (count < 0) {
            return byPercentage;
        }
        return byPercentage < 0 ? count : Math.min(count, byPercentage);
    }
}
