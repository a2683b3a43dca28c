package dev.loadsplitter.local.aws;

/**
 * DynamoDB's capacity units for item sizes: a write costs one unit per KB (rounded up, at least
 * one), a transactional write twice that; a strongly consistent read one unit per 4 KB, an
 * eventually consistent one half of it. Read units are counted in halves, so sums stay exact.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html#transaction-capacity-handling
 */
final class CapacityUnits {

    private CapacityUnits() {}

    /** Write units of a plain write touching an item of {@code bytes} (the larger of before and after). */
    static long write(int bytes) {
        return Math.max(1, (bytes + 1023) / 1024);
    }

    /** Write units of a transactional write: twice a plain one. */
    static long transactionalWrite(int bytes) {
        return 2 * write(bytes);
    }

    /** Half read units of reading {@code bytes} (rounded up to 4 KB, at least one unit). */
    static long readHalves(long bytes, boolean consistent) {
        long units = Math.max(1, (bytes + 4095) / 4096);
        return consistent ? 2 * units : units;
    }
}
