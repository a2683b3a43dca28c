package dev.loadsplitter.local.memory;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
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
 * Notices when the heap is still full after full garbage collections, several in a row, and
 * says so once. Everything a local run queues sits in the embedded SQS server's memory, so a job too
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

    private final double threshold;
    private final int strikes;
    private final Consumer<String> onFull;
    private final long maxBytes;
    private final Set<String> heapPools;
    private final AtomicInteger fullInARow = new AtomicInteger();
    private final AtomicBoolean tripped = new AtomicBoolean();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::onNotification;

    private HeapGuard(double threshold, int strikes, Consumer<String> onFull) {
        if (!(threshold > 0) || strikes < 1) {
            throw new IllegalArgumentException("threshold must be above 0 and strikes at least 1, got " + threshold
                    + " and " + strikes);
        }
        this.threshold = threshold;
        this.strikes = strikes;
        this.onFull = Objects.requireNonNull(onFull, "onFull");
        this.maxBytes = Runtime.getRuntime().maxMemory();
        this.heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getName)
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Starts watching. {@code onFull} is called at most once, on a JMX notification thread, with a
     * sentence saying how full the heap is.
     */
    public static HeapGuard watch(double threshold, int strikes, Consumer<String> onFull) {
        HeapGuard guard = new HeapGuard(threshold, strikes, onFull);
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(guard.listener, null, null);
                guard.emitters.add(emitter);
            }
        }
        return guard;
    }

    /** The heap's maximum, as the JVM reports it. */
    public long maxBytes() {
        return maxBytes;
    }

    /** Whether the guard has called {@code onFull}. */
    public boolean tripped() {
        return tripped.get();
    }

    private void onNotification(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        long used = usedAfter(info.getGcInfo().getMemoryUsageAfterGc());
        if (used < threshold * maxBytes) {
            fullInARow.set(0);
            return;
        }
        // A young collection can end with the heap full of old garbage that the next full
        // collection frees; only full collections that free nothing are strikes.
        if (!info.getGcAction().contains("major")) {
            return;
        }
        if (fullInARow.incrementAndGet() >= strikes && tripped.compareAndSet(false, true)) {
            onFull.accept(String.format(Locale.ROOT, "the JVM heap is full: %,d of %,d MB in use after %d full "
                    + "garbage collections in a row", used >> 20, maxBytes >> 20, strikes));
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
