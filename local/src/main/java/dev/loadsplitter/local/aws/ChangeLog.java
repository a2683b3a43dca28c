package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * Where the endpoint records each change to its tables before it answers, so a restart restores
 * them: {@link #NONE} for tables in memory only, {@link TableLog} for a file. Item changes are
 * recorded while the items' locks are held, so the log has each item's writes in the order they
 * were applied.
 */
interface ChangeLog extends AutoCloseable {

    /** Records nothing: tables in memory only. */
    ChangeLog NONE = new ChangeLog() {
        @Override
        public void tableCreated(TableSchema schema) {}

        @Override
        public void tableDeleted(TableSchema schema) {}

        @Override
        public void timeToLive(TableSchema schema, Optional<String> attribute) {}

        @Override
        public void written(Change change) {}

        @Override
        public void transaction(List<Change> changes, Optional<ClientTokens.Used> token) {}

        @Override
        public void close() {}
    };

    /**
     * One item's new state.
     *
     * @param table the table (and incarnation) it belongs to
     * @param key the item's key attributes
     * @param after the item now, or null when it was deleted
     */
    record Change(TableSchema table, JsonNode key, StoredItem after) {}

    void tableCreated(TableSchema schema);

    void tableDeleted(TableSchema schema);

    void timeToLive(TableSchema schema, Optional<String> attribute);

    void written(Change change);

    /** A committed transaction's changes, all or none of them restored, with its client token when it had one. */
    void transaction(List<Change> changes, Optional<ClientTokens.Used> token);

    @Override
    void close();
}
