package dev.loadsplitter.local.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class HeapGuardTest {

    @Test
    void trips_once_when_full_collections_end_above_the_threshold_the_given_number_of_times_in_a_row()
            throws Exception {
        List<String> messages = new CopyOnWriteArrayList<>();
        // Any heap in use counts as full at a threshold this low, so every full collection (System.gc) is a strike.
        try (HeapGuard guard = HeapGuard.watch(1e-9, 2, messages::add)) {
            System.gc();
            System.gc();
            System.gc();
            // Notifications arrive on their own thread: wait until the guard has judged all three.
            await().atMost(Duration.ofSeconds(10)).until(() -> guard.fullCollectionsSeen() >= 3);
            assertThat(guard.tripped()).isTrue();
        }
        assertThat(messages).hasSize(1);
        assertThat(messages.getFirst())
                .startsWith("the JVM heap is full: ")
                .contains("after 2 full garbage collections in a row");
    }

    @Test
    void young_collections_are_not_strikes_however_full_the_heap() throws Exception {
        List<String> messages = new CopyOnWriteArrayList<>();
        try (HeapGuard guard = HeapGuard.watch(1e-9, 1, messages::add)) {
            long checksum = 0;
            for (int i = 0; i < 4_000; i++) {
                byte[] garbage = new byte[64 * 1024]; // 250 MB in all: young collections, no full one
                checksum += garbage.length;
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> guard.youngCollectionsSeen() >= 1);
            assertThat(checksum).isPositive();
            assertThat(guard.tripped()).isFalse();
        }
        assertThat(messages).isEmpty();
    }

    @Test
    void trips_when_full_collections_take_more_than_their_share_of_the_window_however_much_they_free()
            throws Exception {
        List<String> messages = new CopyOnWriteArrayList<>();
        // Full collections that end far below the threshold, one after another: all time goes to them.
        try (HeapGuard guard =
                HeapGuard.watch(HeapGuard.DEFAULT_THRESHOLD, 1_000, Duration.ofMillis(500), 0.2, messages::add)) {
            for (int i = 0; i < 10_000 && !guard.tripped(); i++) {
                System.gc();
            }
            await().atMost(Duration.ofSeconds(10)).until(guard::tripped);
        }
        assertThat(messages).hasSize(1);
        assertThat(messages.getFirst())
                .startsWith("the JVM heap is too small: ")
                .contains("of the last 500 ms went to full");
    }

    @Test
    void stays_quiet_while_collections_free_the_heap() throws Exception {
        List<String> messages = new CopyOnWriteArrayList<>();
        try (HeapGuard guard = HeapGuard.watch(HeapGuard.DEFAULT_THRESHOLD, 1, messages::add)) {
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> guard.fullCollectionsSeen() >= 3);
            assertThat(guard.tripped()).isFalse();
        }
        assertThat(messages).isEmpty();
    }

    @Test
    void refuses_a_threshold_or_strike_count_that_could_never_mean_anything() {
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
