package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadsplitter.engine.internal.time.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code TransactWriteItems}: up to 100 Put, Update, Delete and ConditionCheck actions on distinct
 * items, all or none. It locks its items in one fixed order (table, then key), so two transactions
 * never wait for each other in a circle, checks every condition while it holds them all (atomically),
 * then marks them PENDING and lets go for the endpoint's transaction window before it commits, as
 * DynamoDB's two-phase commit takes time. Meanwhile another transaction touching one of them is
 * cancelled with {@code TransactionConflict} (its other actions {@code None}), and a plain write to
 * one is refused with {@code TransactionConflictException}; plain reads see the committed items.
 * With a window of zero the whole transaction happens under its locks and never conflicts.
 * A transactional write costs twice the write units of a plain one; an item over its capacity
 * cancels the transaction with {@code ThrottlingError}.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html#transaction-conflict-handling
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
 */
final class TransactWrites {

    static final int MAX_ACTIONS = 100;
    private static final Set<String> ACTIONS = Set.of("Put", "Update", "Delete", "ConditionCheck");
    private static final Comparator<ItemWrite> LOCK_ORDER = Comparator.comparing(
                    (ItemWrite write) -> write.table().name())
            .thenComparingLong(write -> write.table().schema().id())
            .thenComparing(ItemWrite::key);

    private final TableCatalog catalog;
    private final ItemThrottle throttle;
    private final UsageMeter usage;
    private final ChangeLog log;
    private final ClientTokens tokens;
    private final Duration window;
    private final Sleeper sleeper;

    TransactWrites(
            TableCatalog catalog,
            ItemThrottle throttle,
            UsageMeter usage,
            ChangeLog log,
            ClientTokens tokens,
            Duration window,
            Sleeper sleeper) {
        this.catalog = catalog;
        this.throttle = throttle;
        this.usage = usage;
        this.log = log;
        this.tokens = tokens;
        this.window = window;
        this.sleeper = sleeper;
    }

    JsonNode transactWriteItems(JsonNode request) {
        List<ItemWrite> writes = parse(request);
        Optional<String> token =
                Optional.ofNullable(request.get("ClientRequestToken")).map(JsonNode::asText);
        if (token.isPresent() && (token.get().isEmpty() || token.get().length() > 36)) {
            throw DynamoDbException.validation("ClientRequestToken must be 1 to 36 characters, got "
                    + token.get().length());
        }
        ClientTokens.Fresh fresh = null;
        if (token.isPresent()) {
            ClientTokens.Start start =
                    tokens.start(token.get(), RequestDigest.of(request, Set.of("ClientRequestToken")));
            if (start instanceof ClientTokens.Repeat) {
                return repeated(request, writes);
            }
            fresh = (ClientTokens.Fresh) start;
        }
        boolean committed = false;
        try {
            ObjectNode response = run(request, writes, Optional.ofNullable(fresh));
            committed = true;
            return response;
        } finally {
            if (!committed && fresh != null) {
                tokens.abandoned(fresh);
            }
        }
    }

    private List<ItemWrite> parse(JsonNode request) {
        JsonNode actions = request.path("TransactItems");
        if (!actions.isArray() || actions.isEmpty() || actions.size() > MAX_ACTIONS) {
            throw DynamoDbException.validation("Member must have length less than or equal to " + MAX_ACTIONS
                    + ": TransactItems holds 1 to " + MAX_ACTIONS + " actions, got " + actions.size());
        }
        List<ItemWrite> writes = new ArrayList<>();
        Set<String> items = new HashSet<>();
        for (JsonNode action : actions) {
            if (action.size() != 1 || !ACTIONS.contains(action.fieldNames().next())) {
                throw DynamoDbException.validation(
                        "A TransactWriteItem holds exactly one of Put, Update, Delete and ConditionCheck: " + action);
            }
            String name = action.fieldNames().next();
            JsonNode body = action.get(name);
            Table table = catalog.table(body);
            ItemWrite write = ItemWrite.parse(
                    switch (name) {
                        case "Put" -> ItemWrite.Kind.PUT;
                        case "Update" -> ItemWrite.Kind.UPDATE;
                        case "Delete" -> ItemWrite.Kind.DELETE;
                        default -> ItemWrite.Kind.CONDITION_CHECK;
                    },
                    table,
                    body);
            if (!items.add(table.name() + "\u0000" + write.key())) {
                throw DynamoDbException.validation(
                        "Transaction request cannot include multiple operations on one item: " + write.key());
            }
            writes.add(write);
        }
        return writes;
    }

    /** A repeat of a committed request: success, nothing applied; DynamoDB bills it as reading the items. */
    private JsonNode repeated(JsonNode request, List<ItemWrite> writes) {
        Map<String, long[]> consumed = new LinkedHashMap<>();
        for (ItemWrite write : writes) {
            StoredItem item = write.table().get(write.key());
            long halves = CapacityUnits.readHalves(item == null ? 0 : item.size(), true);
            usage.read("TransactWriteItems", halves);
            consumed.computeIfAbsent(write.table().name(), name -> new long[2])[1] += halves;
        }
        ObjectNode response = JsonNodeFactory.instance.objectNode();
        ConsumedCapacity.addPerTable(response, request, consumed);
        return response;
    }

    private ObjectNode run(JsonNode request, List<ItemWrite> writes, Optional<ClientTokens.Fresh> token) {
        int n = writes.size();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparing(i -> writes.get(i), LOCK_ORDER));
        ItemSlot[] slots = new ItemSlot[n];
        ItemWrite.Outcome[] outcomes = new ItemWrite.Outcome[n];
        long[] units = new long[n];
        Object owner = new Object();
        int locked = 0;
        try {
            for (int i : order) {
                slots[i] = writes.get(i).table().lock(writes.get(i).key());
                locked++;
            }
            check(writes, slots, outcomes, units);
            long total = Arrays.stream(units).sum();
            usage.write("TransactWriteItems", total);
            if (window.isZero()) {
                commit(writes, slots, outcomes, token);
            } else {
                for (ItemSlot slot : slots) {
                    slot.pend(owner);
                }
            }
        } finally {
            for (int k = locked - 1; k >= 0; k--) {
                int i = order[k];
                writes.get(i).table().release(writes.get(i).key(), slots[i]);
            }
        }
        if (!window.isZero()) {
            hold();
            // The slots stay linked while pending, so they are the items' slots still.
            for (int i : order) {
                slots[i].lock();
            }
            try {
                commit(writes, slots, outcomes, token);
            } finally {
                for (int k = n - 1; k >= 0; k--) {
                    int i = order[k];
                    slots[i].pend(null);
                    writes.get(i).table().release(writes.get(i).key(), slots[i]);
                }
            }
        }
        Map<String, long[]> consumed = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            consumed.computeIfAbsent(writes.get(i).table().name(), name -> new long[2])[0] += units[i];
        }
        ObjectNode response = JsonNodeFactory.instance.objectNode();
        ConsumedCapacity.addPerTable(response, request, consumed);
        return response;
    }

    /**
     * Checks every action while all items are locked: conflicts with pending transactions, then
     * conditions, then capacity. Cancels the transaction, taking no capacity, if any fails.
     */
    private void check(List<ItemWrite> writes, ItemSlot[] slots, ItemWrite.Outcome[] outcomes, long[] units) {
        int n = writes.size();
        List<TransactionCanceled.Reason> reasons = new ArrayList<>();
        boolean cancelled = false;
        for (int i = 0; i < n; i++) {
            if (slots[i].pendingOwner() != null) {
                reasons.add(TransactionCanceled.Reason.CONFLICT);
                cancelled = true;
                continue;
            }
            outcomes[i] = writes.get(i).evaluate(slots[i].committed());
            if (outcomes[i].conditionHolds()) {
                reasons.add(TransactionCanceled.Reason.NONE);
            } else {
                reasons.add(
                        TransactionCanceled.Reason.conditionFailed(writes.get(i).itemOnConditionFailure(outcomes[i])));
                cancelled = true;
            }
        }
        if (cancelled) {
            throw new TransactionCanceled(reasons);
        }
        for (int i = 0; i < n; i++) {
            units[i] = CapacityUnits.transactionalWrite(outcomes[i].size());
            if (!throttle.tryWrite(writes.get(i).table(), writes.get(i).key(), units[i])) {
                for (int j = 0; j < i; j++) {
                    throttle.refundWrite(writes.get(j).table(), writes.get(j).key(), units[j]);
                }
                reasons.set(i, TransactionCanceled.Reason.THROTTLED);
                usage.throttled("TransactWriteItems");
                throw new TransactionCanceled(reasons);
            }
        }
    }

    /** Waits out the transaction window; an interrupted wait (the endpoint closing) commits at once. */
    private void hold() {
        try {
            sleeper.sleep(window);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void commit(
            List<ItemWrite> writes,
            ItemSlot[] slots,
            ItemWrite.Outcome[] outcomes,
            Optional<ClientTokens.Fresh> token) {
        List<ChangeLog.Change> changes = new ArrayList<>();
        for (int i = 0; i < writes.size(); i++) {
            if (outcomes[i].changes()) {
                changes.add(new ChangeLog.Change(
                        writes.get(i).table().schema(), writes.get(i).keyJson(), outcomes[i].after()));
            }
        }
        Optional<ClientTokens.Used> used = token.map(tokens::usedNow);
        log.transaction(changes, used);
        for (int i = 0; i < writes.size(); i++) {
            if (outcomes[i].changes()) {
                slots[i].commit(outcomes[i].after());
            }
        }
        used.ifPresent(tokens::committed);
    }
}
