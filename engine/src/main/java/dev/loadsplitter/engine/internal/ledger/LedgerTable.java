package dev.loadsplitter.engine.internal.ledger;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The store the ledger keeps its items in: a DynamoDB table on AWS ({@link DynamoDbLedgerTable}),
 * or memory ({@link MemoryLedgerTable}). Four operations, with DynamoDB's meaning: a strongly or
 * eventually consistent read of one item, a query of one partition in sort-key order, a conditional
 * write, and an all-or-nothing transaction of conditional writes.
 *
 * <p>Failures: {@link ConditionFailedException} and {@link TransactionCancelledException} say a
 * condition did not hold (nothing was written); {@link LedgerBusyException} says the store refused
 * the call for now (a conflict with a concurrent transaction, a throttle): nothing was written and
 * the same call may be tried again. Anything else (a timeout, a lost answer the client could not
 * retry) leaves it unknown whether the write took effect: the ledger's writes are built so that
 * doing one again is harmless.
 */
public interface LedgerTable {

    /** One item, or empty. */
    Optional<Item> get(ItemKey key, boolean consistent);

    /**
     * Items of partition {@code pk} whose sort key is in {@code range}, in sort-key order.
     *
     * @param limit the most items this page holds
     * @param after the last key of the previous page; empty for the first page
     */
    Page query(String pk, SortRange range, boolean ascending, int limit, Optional<ItemKey> after, boolean consistent);

    /**
     * Applies {@code write} if its condition holds.
     *
     * @throws ConditionFailedException when it did not, with the item as stored
     */
    void write(Write write);

    /**
     * Applies every write or none: each write's condition must hold.
     *
     * @param token makes the same transaction sent again within minutes (a lost answer) take effect once;
     *     DynamoDB's {@code ClientRequestToken}
     * @throws TransactionCancelledException when a condition did not hold, naming which
     */
    void transact(List<Write> writes, String token);

    /** Readies the client (classes loaded, a connection open) before the first invocation; a cheap read. */
    default void warmUp() {}

    /** A page of a query. */
    record Page(List<Item> items, Optional<ItemKey> next) {
        public Page {
            items = List.copyOf(items);
            Objects.requireNonNull(next, "next");
        }
    }

    /** Which sort keys a query reads: those starting with a prefix, or those between two keys (inclusive). */
    record SortRange(String from, String to) {
        public SortRange {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }

        /** Every sort key that starts with {@code prefix}. */
        public static SortRange prefix(String prefix) {
            return new SortRange(prefix, prefix + Character.MAX_VALUE);
        }

        /** Sort keys from {@code from} to {@code to}, both included. */
        public static SortRange between(String from, String to) {
            return new SortRange(from, to);
        }

        public boolean contains(String sk) {
            return compareSortKeys(sk, from) >= 0 && compareSortKeys(sk, to) <= 0;
        }

        /** Whether this is a prefix range, and its prefix. */
        public Optional<String> asPrefix() {
            return to.equals(from + Character.MAX_VALUE) ? Optional.of(from) : Optional.empty();
        }
    }

    /** Orders sort keys as DynamoDB orders strings: by their UTF-8 bytes, unsigned. */
    static int compareSortKeys(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
