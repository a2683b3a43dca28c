package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tables' change log in a data directory ({@code dynamodb.log}, JSON lines): a table created,
 * deleted or its TTL changed, an item's new state, a transaction's changes (one line, so a restart
 * restores all of them or none) with its client token. On start it is replayed into the tables,
 * then compacted: rewritten as the tables now stand (and the tokens still inside their 10 minutes).
 */
final class TableLog implements ChangeLog {

    static final String FILE = "dynamodb.log";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Path path;
    private final ObjectMapper json;
    private volatile JsonLinesFile file;

    TableLog(Path directory, ObjectMapper json) {
        this.path = directory.resolve(FILE);
        this.json = json;
    }

    /**
     * Replays the log into {@code catalog} and {@code tokens}, compacts it, and opens it for the changes
     * to come; how many items were restored.
     */
    int restore(TableCatalog catalog, ClientTokens tokens) {
        Map<String, Table> byName = new LinkedHashMap<>();
        Map<Long, Table> byId = new HashMap<>();
        List<ClientTokens.Used> used = new ArrayList<>();
        for (JsonNode line : JsonLinesFile.read(path, json)) {
            switch (line.path("t").asText()) {
                case "table" -> {
                    Table table = new Table(schemaOf(line));
                    if (line.hasNonNull("ttl")) {
                        table.timeToLive(Optional.of(line.get("ttl").asText()));
                    }
                    Table replaced = byName.put(table.name(), table);
                    if (replaced != null) {
                        byId.remove(replaced.schema().id());
                    }
                    byId.put(table.schema().id(), table);
                }
                case "drop" -> {
                    Table table = byId.remove(line.path("id").asLong());
                    if (table != null) {
                        byName.remove(table.name(), table);
                    }
                }
                case "ttl" -> {
                    Table table = byId.get(line.path("id").asLong());
                    if (table != null) {
                        table.timeToLive(Optional.ofNullable(line.get("attribute"))
                                .filter(JsonNode::isTextual)
                                .map(JsonNode::asText));
                    }
                }
                case "item" -> apply(byId, line);
                case "tx" -> {
                    line.path("changes").forEach(change -> apply(byId, change));
                    tokenOf(line).ifPresent(used::add);
                }
                case "token" -> tokenOf(line).ifPresent(used::add);
                default ->
                    throw new IllegalStateException(path + " holds a line of an unknown kind: " + line.path("t")
                            + "; it was written by another version of the endpoint");
            }
        }
        int items = 0;
        for (Table table : byName.values()) {
            catalog.restore(table);
            items += (int) table.countAndSize()[0];
        }
        used.forEach(tokens::restore);
        JsonLinesFile.rewrite(path, compacted(catalog, tokens), json);
        file = JsonLinesFile.append(path, json);
        return items;
    }

    private static Optional<ClientTokens.Used> tokenOf(JsonNode line) {
        return line.hasNonNull("token")
                ? Optional.of(new ClientTokens.Used(
                        line.get("token").asText(),
                        line.path("digest").asLong(),
                        line.path("at").asLong()))
                : Optional.empty();
    }

    private static void apply(Map<Long, Table> byId, JsonNode change) {
        Table table = byId.get(change.path("id").asLong());
        if (table == null) {
            return; // a write that raced its table's deletion
        }
        ItemKey key = table.schema().keyOf(change.get("key"));
        ItemSlot slot = table.lock(key);
        try {
            JsonNode item = change.get("item");
            if (item == null || item.isNull()) {
                slot.commit(null);
            } else {
                Map<String, JsonNode> attributes = new LinkedHashMap<>();
                item.properties().forEach(e -> attributes.put(e.getKey(), e.getValue()));
                slot.commit(StoredItem.of(attributes));
            }
        } finally {
            table.release(key, slot);
        }
    }

    private static List<JsonNode> compacted(TableCatalog catalog, ClientTokens tokens) {
        List<JsonNode> lines = new ArrayList<>();
        for (Table table : catalog.all()) {
            ObjectNode line = tableLine(table.schema());
            table.timeToLiveAttribute().ifPresent(attribute -> line.put("ttl", attribute));
            lines.add(line);
            for (ItemSlot slot : table.after(Optional.empty()).values()) {
                StoredItem item = slot.committed();
                if (item != null) {
                    lines.add(change(
                            "item", new Change(table.schema(), table.schema().keyJson(item.attributes()), item)));
                }
            }
        }
        for (ClientTokens.Used used : tokens.live()) {
            lines.add(NODES.objectNode()
                    .put("t", "token")
                    .put("token", used.token())
                    .put("digest", used.digest())
                    .put("at", used.completedAtMillis()));
        }
        return lines;
    }

    private static ObjectNode tableLine(TableSchema schema) {
        ObjectNode line =
                NODES.objectNode().put("t", "table").put("name", schema.name()).put("id", schema.id());
        line.put("created", schema.createdAtMillis());
        line.putArray("hash")
                .add(schema.partitionKey().name())
                .add(schema.partitionKey().type());
        schema.sortKey()
                .ifPresent(sort -> line.putArray("range").add(sort.name()).add(sort.type()));
        return line;
    }

    private static TableSchema schemaOf(JsonNode line) {
        JsonNode hash = line.path("hash");
        JsonNode range = line.path("range");
        return new TableSchema(
                line.path("name").asText(),
                new TableSchema.KeyAttribute(hash.path(0).asText(), hash.path(1).asText()),
                range.isArray()
                        ? Optional.of(new TableSchema.KeyAttribute(
                                range.path(0).asText(), range.path(1).asText()))
                        : Optional.empty(),
                line.path("id").asLong(),
                line.path("created").asLong());
    }

    private static ObjectNode change(String kind, Change change) {
        ObjectNode line = NODES.objectNode();
        if (kind != null) {
            line.put("t", kind);
        }
        line.put("table", change.table().name()).put("id", change.table().id());
        line.set("key", change.key());
        if (change.after() != null) {
            line.set("item", change.after().json());
        }
        return line;
    }

    @Override
    public void tableCreated(TableSchema schema) {
        file.append(tableLine(schema));
    }

    @Override
    public void tableDeleted(TableSchema schema) {
        file.append(
                NODES.objectNode().put("t", "drop").put("name", schema.name()).put("id", schema.id()));
    }

    @Override
    public void timeToLive(TableSchema schema, Optional<String> attribute) {
        ObjectNode line =
                NODES.objectNode().put("t", "ttl").put("name", schema.name()).put("id", schema.id());
        line.put("attribute", attribute.orElse(null));
        file.append(line);
    }

    @Override
    public void written(Change change) {
        file.append(change("item", change));
    }

    @Override
    public void transaction(List<Change> changes, Optional<ClientTokens.Used> token) {
        if (changes.isEmpty() && token.isEmpty()) {
            return;
        }
        ObjectNode line = NODES.objectNode().put("t", "tx");
        token.ifPresent(used ->
                line.put("token", used.token()).put("digest", used.digest()).put("at", used.completedAtMillis()));
        ArrayNode list = line.putArray("changes");
        changes.forEach(change -> list.add(change(null, change)));
        file.append(line);
    }

    @Override
    public void close() {
        if (file != null) {
            file.close();
        }
    }
}
