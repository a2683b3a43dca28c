package dev.loadsplitter.local.report;

import java.util.BitSet;

/** A set of item indexes (positions in the original event), safe to add to from many threads. */
final class ItemSet {

    private final BitSet items = new BitSet();

    /**
     * Adds items {@code [from, to)}.
     *
     * @return how many of them were not in the set before
     */
    synchronized long add(long from, long to) {
        int start = index(from);
        int end = index(to);
        long before = items.get(start, end).cardinality();
        items.set(start, end);
        return (end - start) - before;
    }

    /** How many of items {@code [from, to)} are in the set. */
    synchronized long countIn(long from, long to) {
        return items.get(index(from), index(to)).cardinality();
    }

    synchronized boolean contains(long item) {
        return items.get(index(item));
    }

    synchronized long size() {
        return items.cardinality();
    }

    private static int index(long item) {
        if (item < 0 || item > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("item index out of range: " + item);
        }
        return (int) item;
    }
}
