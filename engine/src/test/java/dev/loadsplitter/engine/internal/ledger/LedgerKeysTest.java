package dev.loadsplitter.engine.internal.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LedgerKeysTest {

    @Test
    void aJobGetsMoreShardsAsItGrowsWithinWhatOneTransactionOpens() {
        assertThat(LedgerKeys.shardsFor(1)).isEqualTo(LedgerKeys.MIN_SHARDS);
        assertThat(LedgerKeys.shardsFor(1_000)).isEqualTo(16);
        assertThat(LedgerKeys.shardsFor(1_001)).isEqualTo(32);
        assertThat(LedgerKeys.shardsFor(4_001)).isEqualTo(64);
        assertThat(LedgerKeys.shardsFor(Long.MAX_VALUE)).isEqualTo(LedgerKeys.MAX_SHARDS);
        // JobBook.start writes the header, every shard and two index entries in one transaction.
        assertThat(LedgerKeys.MAX_SHARDS + 3).isLessThanOrEqualTo(100);
    }

    @Test
    void hopsAfterConflictsVisitEveryShardBeforeRepeatingOne() {
        for (int shards : new int[] {16, 32, 64}) {
            Set<Integer> visited = new HashSet<>();
            for (int hop = 0; hop < shards; hop++) {
                visited.add(LedgerKeys.shardOf(4_242, shards, hop));
            }
            assertThat(visited).as("shards visited among %d", shards).hasSize(shards);
        }
        assertThat(LedgerKeys.shardOf(5, 16, 0)).isEqualTo(5);
    }
}
