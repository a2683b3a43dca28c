package dev.loadsplitter.local.aws;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts calls and capacity units per DynamoDB operation, from any number of threads at once. */
final class UsageMeter {

    private final Map<String, Counters> operations = new ConcurrentHashMap<>();

    private static final class Counters {
        final LongAdder calls = new LongAdder();
        final LongAdder writeUnits = new LongAdder();
        final LongAdder readHalves = new LongAdder();
        final LongAdder throttled = new LongAdder();
    }

    private Counters of(String operation) {
        return operations.computeIfAbsent(operation, name -> new Counters());
    }

    void call(String operation) {
        of(operation).calls.increment();
    }

    void write(String operation, long units) {
        of(operation).writeUnits.add(units);
    }

    void read(String operation, long halves) {
        of(operation).readHalves.add(halves);
    }

    void throttled(String operation) {
        of(operation).throttled.increment();
    }

    DynamoDbUsage snapshot() {
        Map<String, DynamoDbUsage.OperationUsage> snapshot = new TreeMap<>();
        operations.forEach((name, counters) -> snapshot.put(
                name,
                new DynamoDbUsage.OperationUsage(
                        counters.calls.sum(),
                        counters.writeUnits.sum(),
                        counters.readHalves.sum() / 2.0,
                        counters.throttled.sum())));
        return new DynamoDbUsage(snapshot);
    }
}
