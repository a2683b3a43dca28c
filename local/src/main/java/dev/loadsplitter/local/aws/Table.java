package dev.loadsplitter.local.aws;

import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * One table's items, sorted by partition key and, within a partition, by sort key, as DynamoDB
 * orders them: a Query reads one contiguous range, a Scan pages through all in a stable order.
 * Each item has its own {@link ItemSlot}, so writes to different items never wait for each other;
 * a write to one item holds that item's lock only. A hash index beside the sorted map finds one item
 * without comparing keys, which GetItem and every write do.
 */
final class Table {

    private final TableSchema schema;
    private final ConcurrentSkipListMap<ItemKey, ItemSlot> slots = new ConcurrentSkipListMap<>();
    /** The same slots by key; a slot enters both maps at once and leaves both before anyone can take it again. */
    private final ConcurrentHashMap<ItemKey, ItemSlot> index = new ConcurrentHashMap<>();

    private volatile Optional<String> timeToLiveAttribute = Optional.empty();

    Table(TableSchema schema) {
        this.schema = schema;
    }

    TableSchema schema() {
        return schema;
    }

    String name() {
        return schema.name();
    }

    /** The attribute DynamoDB's TTL reads expiry times from, when TTL is enabled. */
    Optional<String> timeToLiveAttribute() {
        return timeToLiveAttribute;
    }

    void timeToLive(Optional<String> attribute) {
        timeToLiveAttribute = attribute;
    }

    /** The committed item at {@code key}, or null. */
    StoredItem get(ItemKey key) {
        ItemSlot slot = index.get(key);
        return slot == null ? null : slot.committed();
    }

    /** The slot of {@code key}, locked by the caller, who must {@link #release} it. */
    ItemSlot lock(ItemKey key) {
        while (true) {
            ItemSlot slot = index.computeIfAbsent(key, k -> {
                ItemSlot created = new ItemSlot();
                slots.put(k, created);
                return created;
            });
            slot.lock();
            if (!slot.isUnlinked()) {
                return slot;
            }
            slot.unlock();
        }
    }

    /** Unlocks a slot from {@link #lock}, first unlinking it when it holds nothing. */
    void release(ItemKey key, ItemSlot slot) {
        if (slot.isEmpty()) {
            slot.markUnlinked();
            index.remove(key, slot);
            slots.remove(key, slot);
        }
        slot.unlock();
    }

    /** The slots of one partition, in sort key order. */
    NavigableMap<ItemKey, ItemSlot> partition(KeyValue partitionKey) {
        return slots.subMap(ItemKey.first(partitionKey), true, ItemKey.last(partitionKey), true);
    }

    /** Every slot, in key order, after {@code exclusiveStart} when given. */
    NavigableMap<ItemKey, ItemSlot> after(Optional<ItemKey> exclusiveStart) {
        return exclusiveStart.map(start -> slots.tailMap(start, false)).orElse(slots);
    }

    /** Committed items and their bytes, counted now (DescribeTable's ItemCount and TableSizeBytes). */
    long[] countAndSize() {
        long count = 0;
        long bytes = 0;
        for (Map.Entry<ItemKey, ItemSlot> entry : slots.entrySet()) {
            StoredItem item = entry.getValue().committed();
            if (item != null) {
                count++;
                bytes += item.size();
            }
        }
        return new long[] {count, bytes};
    }
}
