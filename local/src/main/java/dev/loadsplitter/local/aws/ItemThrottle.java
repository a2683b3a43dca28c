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
    private final boolean unlimited;
    private final Clock clock;
    /**
     * The bucket's currency: a second of an item's capacity is {@code writeRate * 2 * readRate} ticks, so a
     * write unit costs {@code 2 * readRate} ticks and half a read unit {@code writeRate} ticks, exactly.
     */
    private final long ticksPerSecond;

    private final long burstTicks;
    private final Map<Table, ConcurrentHashMap<ItemKey, Bucket>> buckets = new ConcurrentHashMap<>();

    ItemThrottle(ItemCapacity capacity, Clock clock) {
        this.capacity = capacity;
        this.unlimited = capacity.isUnlimited();
        this.clock = clock;
        this.ticksPerSecond =
                capacity.isUnlimited() ? 0 : capacity.writeUnitsPerSecond() * 2 * capacity.readUnitsPerSecond();
        this.burstTicks =
                capacity.isUnlimited() ? 0 : ticksPerSecond * capacity.burst().toMillis() / 1000;
    }

    ItemCapacity capacity() {
        return capacity;
    }

    /** Whether the item may take {@code writeUnits} write units now; if so they are taken. */
    boolean tryWrite(Table table, ItemKey key, long writeUnits) {
        return unlimited || bucket(table, key).take(writeUnits * 2 * capacity.readUnitsPerSecond(), now());
    }

    /** Whether the item may take {@code readHalves} half read units now; if so they are taken. */
    boolean tryRead(Table table, ItemKey key, long readHalves) {
        return unlimited || bucket(table, key).take(readHalves * capacity.writeUnitsPerSecond(), now());
    }

    /** Gives back what {@link #tryWrite} took, for a transaction that was cancelled after all. */
    void refundWrite(Table table, ItemKey key, long writeUnits) {
        if (!unlimited) {
            bucket(table, key).refund(writeUnits * 2 * capacity.readUnitsPerSecond());
        }
    }

    private Bucket bucket(Table table, ItemKey key) {
        return buckets.computeIfAbsent(table, t -> new ConcurrentHashMap<>())
                .computeIfAbsent(key, k -> new Bucket(burstTicks, ticksPerSecond, now()));
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

    /** One item's capacity, in ticks. */
    private static final class Bucket {

        private final long capacity;
        private final long ticksPerSecond;
        private long available;
        private long refilledAt;

        Bucket(long capacity, long ticksPerSecond, long now) {
            this.capacity = capacity;
            this.ticksPerSecond = ticksPerSecond;
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
                // Exact for every realistic rate and step (the product stays below 2^53); a long idle step
                // only fills the bucket, which the minimum caps.
                double ticks = (double) (now - refilledAt) * ticksPerSecond / NANOS_PER_SECOND;
                available = (long) Math.min(capacity, available + ticks);
                refilledAt = now;
            }
        }
    }
}
