package dev.loadsplitter.local.aws;

import java.time.Duration;
import java.util.Objects;

/**
 * How much one item takes before DynamoDB throttles it, as its adaptive capacity isolates a hot
 * item on a partition of its own: write and read capacity units a second (a linear combination of
 * both shares the item's capacity) and the burst it may spend at once.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html
 *
 * @param writeUnitsPerSecond write units a second one item takes; DynamoDB's partition takes 1,000
 * @param readUnitsPerSecond read units a second one item takes; DynamoDB's partition takes 3,000
 * @param burst how much unused capacity an item keeps, as time at its rate
 */
public record ItemCapacity(double writeUnitsPerSecond, double readUnitsPerSecond, Duration burst) {

    /** A DynamoDB partition's documented rates, with about a second of burst. */
    public static final ItemCapacity DYNAMODB = new ItemCapacity(1_000, 3_000, Duration.ofSeconds(1));

    public ItemCapacity {
        if (!(writeUnitsPerSecond > 0) || !(readUnitsPerSecond > 0)) {
            throw new IllegalArgumentException("An item's capacity must be above 0 write and read units a second, got "
                    + writeUnitsPerSecond + " and " + readUnitsPerSecond + "; use unlimited() for no throttling");
        }
        Objects.requireNonNull(burst, "burst");
        if (burst.isNegative() || burst.isZero()) {
            throw new IllegalArgumentException("An item's burst must be above zero, got " + burst);
        }
    }

    /** No throttling at all. */
    public static ItemCapacity unlimited() {
        return new ItemCapacity(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Duration.ofSeconds(1));
    }

    /** The same burst and read rate, with {@code units} write units a second. */
    public ItemCapacity withWriteUnitsPerSecond(double units) {
        return new ItemCapacity(units, readUnitsPerSecond, burst);
    }

    /** The same burst and write rate, with {@code units} read units a second. */
    public ItemCapacity withReadUnitsPerSecond(double units) {
        return new ItemCapacity(writeUnitsPerSecond, units, burst);
    }

    boolean isUnlimited() {
        return Double.isInfinite(writeUnitsPerSecond) && Double.isInfinite(readUnitsPerSecond);
    }
}
