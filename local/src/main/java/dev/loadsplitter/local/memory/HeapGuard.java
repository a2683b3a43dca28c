package dev.loadsplitter.local.memory;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Notices when the heap is too small for the work, and says so once: when full garbage
 * collections leave it nearly full several times in a row, or when full collections take more
 * than a quarter of the last ten seconds (they free a little each time, and the work crawls).
 * Everything a local run queues sits in the embedded SQS server's memory, so a job too
 * large for the heap would otherwise spend minutes collecting garbage before an
 * {@link OutOfMemoryError}; with this a run stops at once with a message naming the fix.
 *
 * <p>It listens to the JVM's garbage-collection notifications, so it costs nothing between collections.
 */
public final class HeapGuard implements AutoCloseable {

    /** Heap in use after a collection, as a fraction of the maximum, that counts as full. */
    public static final double DEFAULT_THRESHOLD = 0.95;
    /** Collections in a row that must end full. */
    public static final int DEFAULT_STRIKES = 3;
    /** The window in which the time spent in full collections is weighed. */
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);
    /**
     * The share of that window in full collections that means the heap is too small. Measured
     * here: a 10,000-item run at the launcher's 304 MB spent at most 12-16 % of any 10 s in them (at
     * 320 MB 1 %, at 288 MB 18 %); a 100,000-item run
     * first went over 25 % after 32 s, and spent 95 % of its worst 10 s in them.
     */
    public static final double DEFAULT_MAX_SHARE = 0.25;

    private final double threshold;
    private final int strikes;
    private final long windowMillis;
    private final double maxShare;
    private final Consumer<String> onFull;
    /** End time and duration, in ms, of the full collections inside the window. */
    private final ArrayDeque<long[]> recentFull = new ArrayDeque<>();

    private final long maxBytes;
    private final Set<String> heapPools;
    private final AtomicInteger fullInARow = new AtomicInteger();
    private final AtomicBoolean tripped = new AtomicBoolean();
    private final AtomicInteger youngSeen = new AtomicInteger();
    private final AtomicInteger fullSeen = new AtomicInteger();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::onNotification;

    /**
     * One garbage collection as the guard judges it, taken from the JVM's notification or made by a test.
     *
     * @param full whether it was a full (major) collection; young ones never count as strikes
     * @param endMillis when it ended, in ms since the JVM started
     * @param durationMillis how long it took
     * @param usedBytesAfter heap in use when it ended
     */
    record Collection(boolean full, long endMillis, long durationMillis, long usedBytesAfter) {}

    private HeapGuard(
            double threshold,
            int strikes,
            Duration window,
            double maxShare,
            long maxBytes,
            Set<String> heapPools,
            Consumer<String> onFull) {
        if (!(threshold > 0) || strikes < 1) {
            throw new IllegalArgumentException(
                    "threshold must be above 0 and strikes at least 1, got " + threshold + " and " + strikes);
        }
        if (window.toMillis() < 1 || !(maxShare > 0)) {
            throw new IllegalArgumentException(
                    "window must be at least 1 ms and maxShare above 0, got " + window + " and " + maxShare);
        }
        this.threshold = threshold;
        this.strikes = strikes;
        this.windowMillis = window.toMillis();
        this.maxShare = maxShare;
        this.onFull = Objects.requireNonNull(onFull, "onFull");
        this.maxBytes = maxBytes;
        this.heapPools = heapPools;
    }

    /**
     * Starts watching. {@code onFull} is called at most once, on a JMX notification thread, with a
     * sentence saying how full the heap is.
     */
    public static HeapGuard watch(double threshold, int strikes, Consumer<String> onFull) {
        return watch(threshold, strikes, DEFAULT_WINDOW, DEFAULT_MAX_SHARE, onFull);
    }

    /** As {@link #watch(double, int, Consumer)}, with the time criterion's window and share. */
    static HeapGuard watch(double threshold, int strikes, Duration window, double maxShare, Consumer<String> onFull) {
        Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getName)
                .collect(Collectors.toUnmodifiableSet());
        HeapGuard guard = new HeapGuard(
                threshold, strikes, window, maxShare, Runtime.getRuntime().maxMemory(), heapPools, onFull);
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(guard.listener, null, null);
                guard.emitters.add(emitter);
            }
        }
        return guard;
    }

    /**
     * A guard that hears no collection of this JVM: each comes through {@link #observe}, so a test
     * can judge collections it describes, of a heap of {@code maxBytes}, without waiting for real ones.
     */
    static HeapGuard unattached(
            double threshold, int strikes, Duration window, double maxShare, long maxBytes, Consumer<String> onFull) {
        return new HeapGuard(threshold, strikes, window, maxShare, maxBytes, Set.of(), onFull);
    }

    /** The heap's maximum, as the JVM reports it. */
    public long maxBytes() {
        return maxBytes;
    }

    /** Whether the guard has called {@code onFull}. */
    public boolean tripped() {
        return tripped.get();
    }

    /** Young collections judged so far: each one's verdict is in by the time it is counted. */
    public int youngCollectionsSeen() {
        return youngSeen.get();
    }

    /** Full collections judged so far: each one's verdict is in by the time it is counted. */
    public int fullCollectionsSeen() {
        return fullSeen.get();
    }

    private void onNotification(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        observe(new Collection(
                info.getGcAction().contains("major"),
                info.getGcInfo().getEndTime(),
                info.getGcInfo().getDuration(),
                usedAfter(info.getGcInfo().getMemoryUsageAfterGc())));
    }

    /** Judges one collection and counts it: its verdict is in by the time it is counted. */
    void observe(Collection collection) {
        try {
            judge(collection);
        } finally {
            (collection.full() ? fullSeen : youngSeen).incrementAndGet();
        }
    }

    private void judge(Collection collection) {
        long used = collection.usedBytesAfter();
        // A young collection can end with the heap full of old garbage that the next full
        // collection frees; only full collections count.
        boolean fullCollection = collection.full();
        if (fullCollection) {
            long spent = spentInFullCollections(collection.endMillis(), collection.durationMillis());
            if (spent > maxShare * windowMillis) {
                trip(String.format(
                        Locale.ROOT,
                        "the JVM heap is too small: %,d ms of the last %,d ms went to full "
                                + "garbage collections, %,d of %,d MB still in use after the last",
                        spent,
                        windowMillis,
                        used >> 20,
                        maxBytes >> 20));
                return;
            }
        }
        if (used < threshold * maxBytes) {
            fullInARow.set(0);
            return;
        }
        if (fullCollection && fullInARow.incrementAndGet() >= strikes) {
            trip(String.format(
                    Locale.ROOT,
                    "the JVM heap is full: %,d of %,d MB in use after %d full " + "garbage collections in a row",
                    used >> 20,
                    maxBytes >> 20,
                    strikes));
        }
    }

    /** Adds a full collection that ended at {@code endMillis} and returns the time full collections took in the window. */
    private synchronized long spentInFullCollections(long endMillis, long durationMillis) {
        recentFull.addLast(new long[] {endMillis, durationMillis});
        while (!recentFull.isEmpty() && recentFull.peekFirst()[0] <= endMillis - windowMillis) {
            recentFull.removeFirst();
        }
        long spent = 0;
        for (long[] collection : recentFull) {
            spent += collection[1];
        }
        return spent;
    }

    private void trip(String message) {
        if (tripped.compareAndSet(false, true)) {
            onFull.accept(message);
        }
    }

    private long usedAfter(Map<String, MemoryUsage> pools) {
        long used = 0;
        for (Map.Entry<String, MemoryUsage> pool : pools.entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                used += pool.getValue().getUsed();
            }
        }
        return used;
    }

    @Override
    public void close() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (ListenerNotFoundException ignored) {
                // already gone
            }
        }
        emitters.clear();
    }
}
