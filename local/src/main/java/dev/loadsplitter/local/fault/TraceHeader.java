package dev.loadsplitter.local.fault;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * An invocation's X-Ray trace header, as Lambda gives every invocation one:
 * {@code Root=1-<8 hex digits of epoch seconds>-<24 hex digits>;Parent=<16 hex digits>;Sampled=0}.
 * The function's SDK sends it as {@code X-Amzn-Trace-Id} on each call, so an endpoint can tell which
 * invocation made a call by its root.
 * https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html#xray-concepts-tracingheader
 *
 * @param root {@code 1-<epoch seconds>-<random>}: the invocation's trace id
 * @param parent the segment the invocation's calls descend from
 */
public record TraceHeader(String root, String parent) {

    /** The header the SDK sends it in. */
    public static final String HTTP_HEADER = "X-Amzn-Trace-Id";

    public TraceHeader {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(parent, "parent");
    }

    /** A new trace header for an invocation starting {@code at}. */
    public static TraceHeader create(Instant at, RandomGenerator random) {
        HexFormat hex = HexFormat.of();
        byte[] id = new byte[12];
        random.nextBytes(id);
        byte[] parent = new byte[8];
        random.nextBytes(parent);
        return new TraceHeader(
                String.format(Locale.ROOT, "1-%08x-%s", at.getEpochSecond(), hex.formatHex(id)), hex.formatHex(parent));
    }

    /** The value of {@code X-Amzn-Trace-Id} and of the SDK's {@code AWS_LAMBDA_X_TRACE_ID}. */
    public String value() {
        return "Root=" + root + ";Parent=" + parent + ";Sampled=0";
    }

    /** The trace id in an {@code X-Amzn-Trace-Id} header: its {@code Root=} field, if it has one. */
    public static Optional<String> rootOf(String header) {
        for (String field : header.split(";")) {
            String trimmed = field.trim();
            if (trimmed.startsWith("Root=") && trimmed.length() > "Root=".length()) {
                return Optional.of(trimmed.substring("Root=".length()));
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return value();
    }
}
