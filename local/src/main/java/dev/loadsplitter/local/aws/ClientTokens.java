package dev.loadsplitter.local.aws;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code ClientRequestToken}s of committed transactions, for DynamoDB's idempotency window: a
 * token is valid for 10 minutes after the request that used it completed; a repeat of the same
 * request within them is answered with success and applied no second time, the same token with other
 * parameters is refused ({@code IdempotentParameterMismatchException}), and a repeat while the first
 * is still pending gets {@code TransactionInProgressException}. Only a transaction that committed
 * keeps its token: a cancelled one changed nothing, so its retry is a new attempt, checked afresh.
 * The window runs on the endpoint's clock.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html#transaction-apis-idempotency
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html#DDB-TransactWriteItems-request-ClientRequestToken
 *
 * <p>Tokens are kept up to a capacity; past it the oldest are forgotten before their 10 minutes, with
 * one warning, so a long, fast {@code serve} cannot fill the heap.
 */
final class ClientTokens {

    private static final Logger log = LoggerFactory.getLogger(ClientTokens.class);

    /** DynamoDB's idempotency window. */
    static final Duration WINDOW = Duration.ofMinutes(10);

    /**
     * A token a committed transaction used.
     *
     * @param token the ClientRequestToken
     * @param digest a digest of the request's other parameters
     * @param completedAtMillis when the transaction committed, on the endpoint's clock
     */
    record Used(String token, long digest, long completedAtMillis) {}

    /** What a transaction carrying a token is to do. */
    sealed interface Start {}

    /** Apply it; {@link #committed} or {@link #abandoned} must follow. */
    record Fresh(String token, long digest, Entry entry) implements Start {}

    /** It was applied already: answer success, apply nothing. */
    record Repeat() implements Start {}

    /** A token's state: in progress ({@code completedAtMillis} negative) or committed. */
    record Entry(long digest, long completedAtMillis) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Used> byCompletion = new ConcurrentLinkedQueue<>();
    private final Clock clock;
    private final int capacity;
    private final AtomicBoolean warned = new AtomicBoolean();

    ClientTokens(Clock clock, int capacity) {
        this.clock = clock;
        this.capacity = capacity;
    }

    /**
     * Starts a transaction with {@code token} and the digest of its other parameters.
     *
     * @throws DynamoDbException IdempotentParameterMismatchException or TransactionInProgressException
     */
    Start start(String token, long digest) {
        purge();
        Entry fresh = new Entry(digest, -1);
        while (true) {
            Entry existing = entries.putIfAbsent(token, fresh);
            if (existing == null) {
                return new Fresh(token, digest, fresh);
            }
            boolean expired = existing.completedAtMillis() >= 0
                    && clock.millis() - existing.completedAtMillis() > WINDOW.toMillis();
            if (expired) {
                if (entries.replace(token, existing, fresh)) {
                    return new Fresh(token, digest, fresh);
                }
                continue;
            }
            if (existing.digest() != digest) {
                throw new DynamoDbException(
                        "IdempotentParameterMismatchException",
                        "The request uses the same client token as a previous, but non-identical request. Do not "
                                + "reuse a client token with different requests, unless the requests are identical.");
            }
            if (existing.completedAtMillis() < 0) {
                throw new DynamoDbException(
                        "TransactionInProgressException",
                        "The transaction with the given request token is already in progress.");
            }
            return new Repeat();
        }
    }

    /** The token as the transaction that is committing now used it, for the change log. */
    Used usedNow(Fresh fresh) {
        return new Used(fresh.token(), fresh.digest(), clock.millis());
    }

    /** The transaction committed: its token stays valid for the window from {@code used}'s time. */
    void committed(Used used) {
        entries.put(used.token(), new Entry(used.digest(), used.completedAtMillis()));
        byCompletion.add(used);
        while (entries.size() > capacity) {
            Used oldest = byCompletion.poll();
            if (oldest == null) {
                break;
            }
            entries.remove(oldest.token(), new Entry(oldest.digest(), oldest.completedAtMillis()));
            if (warned.compareAndSet(false, true)) {
                log.warn(
                        "local DynamoDB: more than {} ClientRequestTokens used in the last {} minutes; forgetting "
                                + "the oldest before their 10 minutes are up (a repeat of one of those would be "
                                + "applied again). Raise the endpoint's maxClientTokens to keep them all.",
                        capacity,
                        WINDOW.toMinutes());
            }
        }
    }

    /** The transaction did not commit: its token is free again. */
    void abandoned(Fresh fresh) {
        entries.remove(fresh.token(), fresh.entry());
    }

    /** A token restored from the change log. */
    void restore(Used used) {
        if (clock.millis() - used.completedAtMillis() <= WINDOW.toMillis()) {
            entries.put(used.token(), new Entry(used.digest(), used.completedAtMillis()));
            byCompletion.add(used);
        }
    }

    /** The tokens still inside their window, oldest first, for a compacted log. */
    List<Used> live() {
        purge();
        List<Used> live = new ArrayList<>();
        for (Used used : byCompletion) {
            if (new Entry(used.digest(), used.completedAtMillis()).equals(entries.get(used.token()))) {
                live.add(used);
            }
        }
        return live;
    }

    /** Forgets tokens whose window has passed. */
    void purge() {
        long oldest = clock.millis() - WINDOW.toMillis();
        for (Used head = byCompletion.peek();
                head != null && head.completedAtMillis() < oldest;
                head = byCompletion.peek()) {
            if (byCompletion.remove(head)) {
                entries.remove(head.token(), new Entry(head.digest(), head.completedAtMillis()));
            }
        }
    }
}
