package dev.loadsplitter.local.aws;

/**
 * An item's primary key: its partition key and its sort key ({@link KeyValue#NONE} in a table
 * without one). Items sort by partition key, then by sort key, so one partition's items are a
 * contiguous, ordered range of the table, as a Query reads them.
 */
record ItemKey(KeyValue partition, KeyValue sort) implements Comparable<ItemKey> {

    /** The first possible key of a partition, for ranges. */
    static ItemKey first(KeyValue partition) {
        return new ItemKey(partition, KeyValue.LOWEST);
    }

    /** The last possible key of a partition, for ranges. */
    static ItemKey last(KeyValue partition) {
        return new ItemKey(partition, KeyValue.HIGHEST);
    }

    @Override
    public int compareTo(ItemKey other) {
        int byPartition = partition.compareTo(other.partition);
        return byPartition != 0 ? byPartition : sort.compareTo(other.sort);
    }

    @Override
    public String toString() {
        return sort == KeyValue.NONE ? partition.toString() : partition + " / " + sort;
    }
}
