package dev.loadsplitter.testing.simulation;

import dev.loadsplitter.engine.internal.ledger.ConditionFailedException;
import dev.loadsplitter.engine.internal.ledger.Item;
import dev.loadsplitter.engine.internal.ledger.ItemKey;
import dev.loadsplitter.engine.internal.ledger.LedgerBusyException;
import dev.loadsplitter.engine.internal.ledger.LedgerTable;
import dev.loadsplitter.engine.internal.ledger.LedgerUnavailableException;
import dev.loadsplitter.engine.internal.ledger.MemoryLedgerTable;
import dev.loadsplitter.engine.internal.ledger.Write;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The ledger's table as DynamoDB fails: each call is a step, and at a step the seed may refuse it
 * (a conflict, a throttle), apply it and lose its answer (the client gives up, or the SDK sends it
 * again), or kill the container before or just after it took effect.
 */
final class SimLedgerTable implements LedgerTable {

    private final MemoryLedgerTable table;
    private final Simulation simulation;

    SimLedgerTable(MemoryLedgerTable table, Simulation simulation) {
        this.table = table;
        this.simulation = simulation;
    }

    MemoryLedgerTable table() {
        return table;
    }

    @Override
    public Optional<Item> get(ItemKey key, boolean consistent) {
        return call("GetItem", () -> table.get(key, consistent), () -> table.get(key, consistent));
    }

    @Override
    public Page query(
            String pk, SortRange range, boolean ascending, int limit, Optional<ItemKey> after, boolean consistent) {
        Supplier<Page> query = () -> table.query(pk, range, ascending, limit, after, consistent);
        return call("Query", query, query);
    }

    @Override
    public void write(Write write) {
        simulation.trace("write " + write.key().sk() + " " + write);
        call(
                write.getClass().getSimpleName() + "Item",
                () -> {
                    table.write(write);
                    return null;
                },
                () -> {
                    table.write(write);
                    return null;
                });
    }

    @Override
    public void transact(List<Write> writes, String token) {
        simulation.trace("transact " + writes);
        call(
                "TransactWriteItems",
                () -> {
                    table.transact(writes, token);
                    return null;
                },
                () -> {
                    table.transact(writes, token);
                    return null;
                });
    }

    /**
     * @param once the call
     * @param again the same call sent again by the SDK after its answer was lost
     */
    private <T> T call(String operation, Supplier<T> once, Supplier<T> again) {
        Decision decision = simulation.stepAt("dynamodb", operation, 2);
        if (!operation.equals("Query") && !operation.equals("GetItem")) {
            simulation.trace("  -> " + operation + " " + decision);
        }
        switch (decision) {
            case BUSY -> throw new LedgerBusyException(operation + " refused for now (simulated conflict)", null);
            case CRASH_BEFORE -> throw simulation.dieNow("the container died before " + operation);
            case LOST -> {
                try {
                    once.get();
                } catch (RuntimeException applied) {
                    // Its answer is lost either way.
                }
                throw new LedgerUnavailableException(operation + ": applied, and its answer lost (simulated)", null);
            }
            case LOST_RETRIED -> {
                try {
                    once.get();
                } catch (ConditionFailedException
                        | dev.loadsplitter.engine.internal.ledger.TransactionCancelledException refused) {
                    // The first try's answer is lost; the retry's stands.
                }
                return again.get();
            }
            case CRASH_AFTER -> {
                try {
                    once.get();
                } catch (RuntimeException refused) {
                    // It took effect, or was refused; the container dies either way.
                }
                throw simulation.dieNow("the container died just after " + operation);
            }
            default -> {
                return once.get();
            }
        }
    }
}
