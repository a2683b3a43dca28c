package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.Map;

/**
 * DynamoDB's TTL: deletes the items whose TTL attribute (a number, epoch seconds) lies in the past on
 * the endpoint's clock, in sweeps (a background one, and {@link #sweep()} when a test wants one now).
 * As on DynamoDB, an expired item is read like any other until a sweep deletes it; an item pending in
 * a transaction waits for the next sweep; values more than five years in the past are not TTL values
 * and are left alone; deletions cost no capacity.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/time-to-live-ttl-before-you-start.html
 */
final class TimeToLiveSweep {

    private static final long FIVE_YEARS_SECONDS = 5L * 365 * 24 * 3600;

    private final TableCatalog catalog;
    private final ChangeLog log;
    private final Clock clock;

    TimeToLiveSweep(TableCatalog catalog, ChangeLog log, Clock clock) {
        this.catalog = catalog;
        this.log = log;
        this.clock = clock;
    }

    /** Deletes every item expired now; how many. */
    int sweep() {
        long now = clock.instant().getEpochSecond();
        int deleted = 0;
        for (Table table : catalog.all()) {
            if (table.timeToLiveAttribute().isEmpty()) {
                continue;
            }
            String attribute = table.timeToLiveAttribute().get();
            for (Map.Entry<ItemKey, ItemSlot> entry :
                    table.after(java.util.Optional.empty()).entrySet()) {
                StoredItem item = entry.getValue().committed();
                if (item != null && expired(item, attribute, now)) {
                    deleted += delete(table, entry.getKey(), attribute, now) ? 1 : 0;
                }
            }
        }
        return deleted;
    }

    private static boolean expired(StoredItem item, String attribute, long now) {
        JsonNode value = item.attributes().get(attribute);
        if (value == null || !value.has("N")) {
            return false;
        }
        BigDecimal seconds;
        try {
            seconds = new BigDecimal(value.get("N").asText());
        } catch (NumberFormatException e) {
            return false;
        }
        return seconds.compareTo(BigDecimal.valueOf(now)) < 0
                && seconds.compareTo(BigDecimal.valueOf(now - FIVE_YEARS_SECONDS)) > 0;
    }

    private boolean delete(Table table, ItemKey key, String attribute, long now) {
        ItemSlot slot = table.lock(key);
        try {
            StoredItem item = slot.committed();
            if (slot.pendingOwner() != null || item == null || !expired(item, attribute, now)) {
                return false;
            }
            log.written(new ChangeLog.Change(table.schema(), table.schema().keyJson(item.attributes()), null));
            slot.commit(null);
            return true;
        } finally {
            table.release(key, slot);
        }
    }
}
