package dev.loadsplitter.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The figures one benchmark run collects, printed as a Markdown table and as JSON. */
final class Measurements {

    record Row(String section, String figure, String value, String note) {}

    private final List<Row> rows = new ArrayList<>();
    private final ObjectNode json = new ObjectMapper().createObjectNode();

    void add(String section, String figure, String value, String note, String key, double number) {
        rows.add(new Row(section, figure, value, note));
        json.put(key, Math.round(number * 1000) / 1000.0);
        System.err.printf(Locale.ROOT, "bench: %s / %s: %s %s%n", section, figure, value, note);
    }

    String markdown() {
        StringBuilder out = new StringBuilder("| part | figure | value | note |\n|---|---|---:|---|\n");
        rows.forEach(row -> out.append("| ")
                .append(row.section())
                .append(" | ")
                .append(row.figure())
                .append(" | ")
                .append(row.value())
                .append(" | ")
                .append(row.note())
                .append(" |\n"));
        return out.toString();
    }

    String json() {
        ArrayNode unused = json.putArray("_order");
        rows.forEach(row -> unused.add(row.section() + ": " + row.figure()));
        return json.toPrettyString();
    }

    static String millis(double value) {
        return String.format(Locale.ROOT, "%,.0f ms", value);
    }

    static String perSecond(double value) {
        return String.format(Locale.ROOT, "%,.0f/s", value);
    }

    static String ratio(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
