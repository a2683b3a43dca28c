package dev.loadsplitter.engine.internal.ledger;

import java.util.Objects;

/**
 * Where a ledger item lives: its partition key (a job's id, or the jobs index of a day) and its sort
 * key within that partition.
 */
public record ItemKey(String pk, String sk) implements Comparable<ItemKey> {

    public ItemKey {
        Objects.requireNonNull(pk, "pk");
        Objects.requireNonNull(sk, "sk");
        if (pk.isEmpty() || sk.isEmpty()) {
            throw new IllegalArgumentException(
                    "a ledger key needs a partition and a sort key, got '" + pk + "', '" + sk + "'");
        }
    }

    @Override
    public int compareTo(ItemKey other) {
        int byPartition = pk.compareTo(other.pk);
        return byPartition != 0 ? byPartition : LedgerTable.compareSortKeys(sk, other.sk);
    }

    @Override
    public String toString() {
        return pk + " " + sk;
    }
}
