package dev.loadsplitter.engine.internal.ledger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A ledger table in memory, with DynamoDB's semantics for the four operations: each write atomic
 * with its condition, a transaction all or nothing, a transaction's token remembered for ten minutes.
 * Writes lock the items they touch (by stripe, in key order, so two transactions never deadlock);
 * reads take no lock and see each item whole. Items whose {@code expiresAt} (epoch seconds) has passed
 * are purged as writes go on, so a long-running process keeps only live records.
 */
public final class MemoryLedgerTable implements LedgerTable {

    /** The attribute holding an item's expiry, in epoch seconds, as DynamoDB's TTL reads it. */
    public static final String EXPIRES_AT = "expiresAt";

    private static final int STRIPES = 256;
    private static final Duration TOKEN_WINDOW = Duration.ofMinutes(10);
    private static final int PURGE_EVERY = 4_096;

    private final ConcurrentHashMap<String, ConcurrentSkipListMap<String, Item>> partitions = new ConcurrentHashMap<>();
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    private final Map<String, Instant> tokens = new LinkedHashMap<>();
    private final AtomicLong writes = new AtomicLong();
    private final Clock clock;

    public MemoryLedgerTable(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    @Override
    public Optional<Item> get(ItemKey key, boolean consistent) {
        ConcurrentSkipListMap<String, Item> partition = partitions.get(key.pk());
        return partition == null ? Optional.empty() : Optional.ofNullable(partition.get(key.sk()));
    }

    @Override
    public Page query(
            String pk, SortRange range, boolean ascending, int limit, Optional<ItemKey> after, boolean consistent) {
        ConcurrentSkipListMap<String, Item> partition = partitions.get(pk);
        if (partition == null) {
            return new Page(List.of(), Optional.empty());
        }
        NavigableMap<String, Item> span = partition.subMap(range.from(), true, range.to(), true);
        if (after.isPresent()) {
            String start = after.get().sk();
            span = ascending ? span.tailMap(start, false) : span.headMap(start, false);
        }
        if (!ascending) {
            span = span.descendingMap();
        }
        List<Item> items = new ArrayList<>();
        Iterator<Item> iterator = span.values().iterator();
        while (iterator.hasNext() && items.size() < limit) {
            items.add(iterator.next());
        }
        Optional<ItemKey> next = iterator.hasNext() && !items.isEmpty()
                ? Optional.of(items.getLast().key())
                : Optional.empty();
        return new Page(items, next);
    }

    @Override
    public void write(Write write) {
        ReentrantLock lock = stripe(write.key());
        lock.lock();
        try {
            Item before = current(write.key());
            if (!write.condition().test(before)) {
                throw new ConditionFailedException(write.key(), Optional.ofNullable(before));
            }
            store(write, before);
        } finally {
            lock.unlock();
        }
        afterWrite();
    }

    @Override
    public void transact(List<Write> writes, String token) {
        if (writes.isEmpty() || writes.size() > 100) {
            throw new IllegalArgumentException("a transaction holds 1 to 100 writes, got " + writes.size());
        }
        TreeSet<Integer> needed = new TreeSet<>();
        writes.forEach(write -> needed.add(stripeIndex(write.key())));
        needed.forEach(index -> stripes[index].lock());
        try {
            if (seen(token)) {
                return;
            }
            List<TransactionCancelledException.Reason> reasons = new ArrayList<>(writes.size());
            List<Item> befores = new ArrayList<>(writes.size());
            boolean cancelled = false;
            for (Write write : writes) {
                Item before = current(write.key());
                befores.add(before);
                if (write.condition().test(before)) {
                    reasons.add(TransactionCancelledException.Reason.held());
                } else {
                    reasons.add(TransactionCancelledException.Reason.failed(Optional.ofNullable(before)));
                    cancelled = true;
                }
            }
            if (cancelled) {
                throw new TransactionCancelledException(reasons);
            }
            for (int i = 0; i < writes.size(); i++) {
                store(writes.get(i), befores.get(i));
            }
            remember(token);
        } finally {
            needed.descendingSet().forEach(index -> stripes[index].unlock());
        }
        afterWrite();
    }

    /** Every item, for tests and for the local runtime's reports. */
    public long size() {
        return partitions.values().stream().mapToLong(Map::size).sum();
    }

    private Item current(ItemKey key) {
        ConcurrentSkipListMap<String, Item> partition = partitions.get(key.pk());
        Item item = partition == null ? null : partition.get(key.sk());
        return item != null && expired(item) ? null : item;
    }

    private boolean expired(Item item) {
        long expiresAt = item.number(EXPIRES_AT);
        return expiresAt > 0 && expiresAt < clock.instant().getEpochSecond();
    }

    private void store(Write write, Item before) {
        if (write instanceof Write.Check) {
            return;
        }
        Item after = write.after(before);
        if (after == null) {
            ConcurrentSkipListMap<String, Item> partition =
                    partitions.get(write.key().pk());
            if (partition != null) {
                partition.remove(write.key().sk());
            }
        } else {
            partitions
                    .computeIfAbsent(write.key().pk(), pk -> new ConcurrentSkipListMap<>(LedgerTable::compareSortKeys))
                    .put(write.key().sk(), after);
        }
    }

    private boolean seen(String token) {
        synchronized (tokens) {
            Instant at = tokens.get(token);
            return at != null && at.plus(TOKEN_WINDOW).isAfter(clock.instant());
        }
    }

    private void remember(String token) {
        synchronized (tokens) {
            tokens.put(token, clock.instant());
            Instant oldest = clock.instant().minus(TOKEN_WINDOW);
            tokens.values().removeIf(at -> at.isBefore(oldest));
        }
    }

    private void afterWrite() {
        if (writes.incrementAndGet() % PURGE_EVERY == 0) {
            purge();
        }
    }

    /** Drops expired items, as DynamoDB's TTL does (there, within days; here, as writes go on). */
    public void purge() {
        // Partitions stay, even when empty: removing one could lose a write racing to it.
        partitions.values().forEach(partition -> partition.values().removeIf(this::expired));
    }

    private ReentrantLock stripe(ItemKey key) {
        return stripes[stripeIndex(key)];
    }

    private static int stripeIndex(ItemKey key) {
        return Math.floorMod(key.hashCode(), STRIPES);
    }
}
