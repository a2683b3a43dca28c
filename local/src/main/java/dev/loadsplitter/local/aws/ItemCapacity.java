package dev.loadsplitter.local.aws;

import java.time.Duration;
import java.util.Objects;

/**
 * How much one item takes before DynamoDB throttles it, as its adaptive capacity isolates a hot
 * item on a partition of its own: write and read capacity units a second (a linear combination of
 * both shares the item's capacity) and the burst it may spend at once.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/burst-adaptive-capacity.html
 *
 * @param writeUnitsPerSecond write units a second one item takes, 1 to 1,000,000; DynamoDB's partition takes 1,000
 * @param readUnitsPerSecond read units a second one item takes, 1 to 1,000,000; DynamoDB's partition takes 3,000
 * @param burst how much unused capacity an item keeps, as time at its rate: above zero, at most a minute
 */
public record ItemCapacity(long writeUnitsPerSecond, long readUnitsPerSecond, Duration burst) {

    /** The most units a second a finite capacity takes. */
    public static final long MAX_UNITS_PER_SECOND = 1_000_000;

    /** A DynamoDB partition's documented rates, with about a second of burst. */
    public static final ItemCapacity DYNAMODB = new ItemCapacity(1_000, 3_000, Duration.ofSeconds(1));

    private static final ItemCapacity UNLIMITED =
            new ItemCapacity(Long.MAX_VALUE, Long.MAX_VALUE, Duration.ofSeconds(1));

    public ItemCapacity {
        Objects.requireNonNull(burst, "burst");
        boolean unlimited = writeUnitsPerSecond == Long.MAX_VALUE && readUnitsPerSecond == Long.MAX_VALUE;
        if (!unlimited
                && (writeUnitsPerSecond < 1
                        || writeUnitsPerSecond > MAX_UNITS_PER_SECOND
                        || readUnitsPerSecond < 1
                        || readUnitsPerSecond > MAX_UNITS_PER_SECOND)) {
            throw new IllegalArgumentException("An item's capacity is 1 to " + MAX_UNITS_PER_SECOND
                    + " write and read units a second (or unlimited()), got " + writeUnitsPerSecond + " and "
                    + readUnitsPerSecond);
        }
        if (!burst.isPositive() || burst.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("An item's burst is above zero and at most a minute, got " + burst);
        }
    }

    /** No throttling at all. */
    public static ItemCapacity unlimited() {
        return UNLIMITED;
    }

    /** Whether this capacity never throttles. */
    public boolean isUnlimited() {
        return equals(UNLIMITED);
    }

    /** The same burst and read rate, with {@code units} write units a second. */
    public ItemCapacity withWriteUnitsPerSecond(long units) {
        return new ItemCapacity(units, readUnitsPerSecond, burst);
    }

    /** The same burst and write rate, with {@code units} read units a second. */
    public ItemCapacity withReadUnitsPerSecond(long units) {
        return new ItemCapacity(writeUnitsPerSecond, units, burst);
    }
}
