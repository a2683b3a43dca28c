package dev.loadsplitter.local.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The guard's verdicts on collections the test describes: no real garbage collection is run or
 * waited for, so each case is exact and instant.
 */
class HeapGuardTest {

    private static final long HEAP = 1_000L << 20; // 1,000 MB
    private final List<String> messages = new ArrayList<>();

    private HeapGuard guard(double threshold, int strikes) {
        return HeapGuard.unattached(
                threshold, strikes, HeapGuard.DEFAULT_WINDOW, HeapGuard.DEFAULT_MAX_SHARE, HEAP, messages::add);
    }

    private static HeapGuard.Collection full(long endMillis, long durationMillis, double heapShareAfter) {
        return new HeapGuard.Collection(true, endMillis, durationMillis, (long) (HEAP * heapShareAfter));
    }

    private static HeapGuard.Collection young(long endMillis, double heapShareAfter) {
        return new HeapGuard.Collection(false, endMillis, 5, (long) (HEAP * heapShareAfter));
    }

    @Test
    void tripsOnceWhenFullCollectionsEndAboveTheThresholdTheGivenNumberOfTimesInARow() {
        HeapGuard guard = guard(0.95, 2);

        guard.observe(full(1_000, 10, 0.97));
        assertThat(guard.tripped()).as("one strike of two").isFalse();
        guard.observe(full(5_000, 10, 0.98));
        guard.observe(full(9_000, 10, 0.99));

        assertThat(guard.tripped()).isTrue();
        assertThat(guard.fullCollectionsSeen()).isEqualTo(3);
        assertThat(messages)
                .containsExactly(
                        "the JVM heap is full: 980 of 1,000 MB in use after 2 full garbage collections in a row");
    }

    @Test
    void aFullCollectionThatFreesTheHeapEndsTheStreak() {
        HeapGuard guard = guard(0.95, 2);

        guard.observe(full(1_000, 10, 0.97));
        guard.observe(full(5_000, 10, 0.40));
        guard.observe(full(9_000, 10, 0.97));

        assertThat(guard.tripped()).isFalse();
        assertThat(messages).isEmpty();
    }

    @Test
    void youngCollectionsAreNotStrikesHoweverFullTheHeap() {
        HeapGuard guard = guard(0.95, 1);

        for (long end : new long[] {1_000, 2_000, 3_000, 4_000}) {
            guard.observe(young(end, 1.0));
        }

        assertThat(guard.youngCollectionsSeen()).isEqualTo(4);
        assertThat(guard.fullCollectionsSeen()).isZero();
        assertThat(guard.tripped()).isFalse();
        assertThat(messages).isEmpty();
    }

    @Test
    void tripsWhenFullCollectionsTakeMoreThanTheirShareOfTheWindowHoweverMuchTheyFree() {
        HeapGuard guard = HeapGuard.unattached(0.95, 1_000, Duration.ofMillis(500), 0.2, HEAP, messages::add);

        // Full collections of 60 ms each, one every 100 ms, each freeing nearly everything: 60 % of the time.
        guard.observe(full(100, 60, 0.05));
        assertThat(guard.tripped()).as("60 ms of the last 500 ms").isFalse();
        guard.observe(full(200, 60, 0.05));
        assertThat(guard.tripped())
                .as("120 ms of the last 500 ms, over the 100 ms allowed")
                .isTrue();
        guard.observe(full(300, 60, 0.05));

        assertThat(messages)
                .containsExactly("the JVM heap is too small: 120 ms of the last 500 ms went to full garbage "
                        + "collections, 50 of 1,000 MB still in use after the last");
    }

    @Test
    void fullCollectionsOutsideTheWindowNoLongerCount() {
        HeapGuard guard = HeapGuard.unattached(0.95, 1_000, Duration.ofMillis(500), 0.2, HEAP, messages::add);

        // 90 ms each, 500 ms apart: each window holds one, under the 100 ms allowed.
        for (long end = 500; end <= 5_000; end += 500) {
            guard.observe(full(end, 90, 0.05));
        }

        assertThat(guard.fullCollectionsSeen()).isEqualTo(10);
        assertThat(guard.tripped()).isFalse();
    }

    @Test
    void staysQuietWhileCollectionsFreeTheHeap() {
        HeapGuard guard = guard(HeapGuard.DEFAULT_THRESHOLD, 1);

        guard.observe(full(10_000, 20, 0.30));
        guard.observe(young(11_000, 0.50));
        guard.observe(full(20_000, 20, 0.30));

        assertThat(guard.tripped()).isFalse();
        assertThat(messages).isEmpty();
    }

    @Test
    void watchingTheRealHeapStartsUntrippedAndStopsListeningOnClose() {
        try (HeapGuard guard = HeapGuard.watch(HeapGuard.DEFAULT_THRESHOLD, HeapGuard.DEFAULT_STRIKES, messages::add)) {
            assertThat(guard.maxBytes()).isEqualTo(Runtime.getRuntime().maxMemory());
            assertThat(guard.tripped()).isFalse();
        }
        assertThat(messages).isEmpty();
    }

    @Test
    void refusesAThresholdOrStrikeCountThatCouldNeverMeanAnything() {
        assertThatThrownBy(() -> HeapGuard.watch(0, 3, message -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("threshold");
        assertThatThrownBy(() -> HeapGuard.watch(0.9, 0, message -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strikes");
        assertThatThrownBy(() -> HeapGuard.watch(0.9, 3, Duration.ZERO, 0.25, message -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("window");
    }
}
