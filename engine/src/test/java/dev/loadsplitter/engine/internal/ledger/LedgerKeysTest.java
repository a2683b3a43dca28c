package dev.loadsplitter.engine.internal.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LedgerKeysTest {

    @Test
    void aFirstTryCountsIntoTheJobsOwnShardsAndHopsVisitEverySpillShardBeforeRepeatingOne() {
        assertThat(LedgerKeys.shardOf(5, 0)).isEqualTo(5);
        assertThat(LedgerKeys.shardOf(4_242, 0)).isEqualTo(4_242 % 16);
        Set<Integer> visited = new HashSet<>();
        int spill = LedgerKeys.MAX_SHARDS - LedgerKeys.MIN_SHARDS;
        for (int hop = 1; hop <= spill; hop++) {
            visited.add(LedgerKeys.shardOf(4_242, hop));
        }
        assertThat(visited)
                .hasSize(spill)
                .allSatisfy(shard -> assertThat(shard).isBetween(LedgerKeys.MIN_SHARDS, LedgerKeys.MAX_SHARDS - 1));
        // JobBook.start writes the header, the first shards and two index entries in one transaction (100 actions at
        // most); one page of the standing's query reads every shard.
        assertThat(LedgerKeys.MIN_SHARDS + 3).isLessThanOrEqualTo(100);
    }
}
