package dev.loadsplitter.local.aws;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the local DynamoDB endpoint has served, per operation, at one moment: calls, and the write and
 * read capacity units they consumed as DynamoDB would bill them (an eventually consistent read is half
 * a unit, a transactional write twice a plain one, a throttled call nothing). Take one before and one
 * after, and {@link #minus} gives what happened in between:
 *
 * <pre>{@code
 * DynamoDbUsage before = endpoint.dynamoDbUsage();
 * // ... the work ...
 * DynamoDbUsage spent = endpoint.dynamoDbUsage().minus(before);
 * assertThat(spent.operation("TransactWriteItems").writeUnits()).isEqualTo(4);
 * }</pre>
 *
 * @param operations the usage of each operation called at least once, by name ({@code PutItem}, …)
 */
public record DynamoDbUsage(Map<String, OperationUsage> operations) {

    /**
     * One operation's usage.
     *
     * @param calls requests the endpoint answered (throttled and failed ones too; not those a fault dropped unanswered before applying)
     * @param writeUnits write capacity units consumed
     * @param readUnits read capacity units consumed, in halves of a unit
     * @param throttled calls refused as throttled (a throttled item of a batch counts once too)
     */
    public record OperationUsage(long calls, long writeUnits, double readUnits, long throttled) {

        static final OperationUsage NONE = new OperationUsage(0, 0, 0, 0);

        OperationUsage minus(OperationUsage other) {
            return new OperationUsage(
                    calls - other.calls,
                    writeUnits - other.writeUnits,
                    readUnits - other.readUnits,
                    throttled - other.throttled);
        }

        OperationUsage plus(OperationUsage other) {
            return new OperationUsage(
                    calls + other.calls,
                    writeUnits + other.writeUnits,
                    readUnits + other.readUnits,
                    throttled + other.throttled);
        }
    }

    public DynamoDbUsage {
        operations = Map.copyOf(Objects.requireNonNull(operations, "operations"));
    }

    /** The usage of {@code operation}; all zero when it was never called. */
    public OperationUsage operation(String operation) {
        return operations.getOrDefault(operation, OperationUsage.NONE);
    }

    /** Every operation together. */
    public OperationUsage total() {
        return operations.values().stream().reduce(OperationUsage.NONE, OperationUsage::plus);
    }

    /** What happened since {@code earlier}, a snapshot of the same endpoint taken before this one. */
    public DynamoDbUsage minus(DynamoDbUsage earlier) {
        Map<String, OperationUsage> difference = new TreeMap<>();
        operations.forEach((name, usage) -> {
            OperationUsage spent = usage.minus(earlier.operation(name));
            if (!spent.equals(OperationUsage.NONE)) {
                difference.put(name, spent);
            }
        });
        return new DynamoDbUsage(difference);
    }
}
