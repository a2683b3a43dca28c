package dev.loadsplitter.local.aws;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Throttles each item on its own, as DynamoDB's adaptive capacity isolates a hot item: a token
 * bucket per item holding up to {@link ItemCapacity#burst()} of its capacity, refilled as the
 * endpoint's clock moves. Writes and reads draw on one bucket, each at its own rate, so an item takes
 * a linear combination of both. A test that holds the clock still gets exactly the burst.
 */
final class ItemThrottle {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final ItemCapacity capacity;
    private final Clock clock;
    private final long burstNanos;
    private final Map<Table, ConcurrentHashMap<ItemKey, Bucket>> buckets = new ConcurrentHashMap<>();

    ItemThrottle(ItemCapacity capacity, Clock clock) {
        this.capacity = capacity;
        this.clock = clock;
        this.burstNanos = capacity.burst().toNanos();
    }

    ItemCapacity capacity() {
        return capacity;
    }

    /** Whether the item may take {@code writeUnits} write units now; if so they are taken. */
    boolean tryWrite(Table table, ItemKey key, long writeUnits) {
        return tryTake(table, key, cost(writeUnits, capacity.writeUnitsPerSecond()));
    }

    /** Whether the item may take {@code readHalves} half read units now; if so they are taken. */
    boolean tryRead(Table table, ItemKey key, long readHalves) {
        return tryTake(table, key, cost(readHalves / 2.0, capacity.readUnitsPerSecond()));
    }

    /** Gives back what {@link #tryWrite} took, for a transaction that was cancelled after all. */
    void refundWrite(Table table, ItemKey key, long writeUnits) {
        long cost = cost(writeUnits, capacity.writeUnitsPerSecond());
        if (cost > 0) {
            bucket(table, key).refund(cost);
        }
    }

    private static long cost(double units, double perSecond) {
        return Double.isInfinite(perSecond) ? 0 : (long) Math.ceil(units * NANOS_PER_SECOND / perSecond);
    }

    private boolean tryTake(Table table, ItemKey key, long cost) {
        return cost == 0 || bucket(table, key).take(cost, now());
    }

    private Bucket bucket(Table table, ItemKey key) {
        return buckets.computeIfAbsent(table, t -> new ConcurrentHashMap<>())
                .computeIfAbsent(key, k -> new Bucket(burstNanos, now()));
    }

    private long now() {
        Instant now = clock.instant();
        return now.getEpochSecond() * NANOS_PER_SECOND + now.getNano();
    }

    /** Drops the buckets of a deleted table. */
    void forget(Table table) {
        buckets.remove(table);
    }

    /**
     * Drops buckets that are full again, which throttle nothing; keeps memory to the items busy in
     * the last burst. A request racing the removal may draw on a fresh bucket, a burst's grace at most.
     */
    int dropIdle() {
        long now = now();
        int dropped = 0;
        for (ConcurrentHashMap<ItemKey, Bucket> table : buckets.values()) {
            for (Map.Entry<ItemKey, Bucket> entry : table.entrySet()) {
                if (entry.getValue().isFull(now) && table.remove(entry.getKey(), entry.getValue())) {
                    dropped++;
                }
            }
        }
        return dropped;
    }

    /** One item's capacity, in nanoseconds of its rate. */
    private static final class Bucket {

        private final long capacity;
        private long available;
        private long refilledAt;

        Bucket(long capacity, long now) {
            this.capacity = capacity;
            this.available = capacity;
            this.refilledAt = now;
        }

        synchronized boolean take(long cost, long now) {
            refill(now);
            // A full bucket lets one request through even when it costs more than the burst (a 400 KB item).
            if (available >= cost || available >= capacity) {
                available -= cost;
                return true;
            }
            return false;
        }

        synchronized void refund(long cost) {
            available = Math.min(capacity, available + cost);
        }

        synchronized boolean isFull(long now) {
            refill(now);
            return available >= capacity;
        }

        private void refill(long now) {
            if (now > refilledAt) {
                available = Math.min(capacity, available + (now - refilledAt));
                refilledAt = now;
            }
        }
    }
}
