package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Arrays;

/**
 * The value of a key attribute (a partition or sort key: {@code S}, {@code N} or {@code B}), equal and
 * ordered as DynamoDB orders a partition's items: strings by their UTF-8 bytes, numbers by value
 * ({@code 1} and {@code 1.0} are one key), binary by its bytes, unsigned. {@link #LOWEST} and
 * {@link #HIGHEST} bound ranges; {@link #NONE} is the sort key of a table that has none.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.Partitions.html
 */
final class KeyValue implements Comparable<KeyValue> {

    static final KeyValue LOWEST = new KeyValue(0, 'L', null, null, null);
    static final KeyValue NONE = new KeyValue(1, '-', null, null, null);
    static final KeyValue HIGHEST = new KeyValue(2, 'H', null, null, null);

    private final int rank;
    private final char type;
    private final String string;
    private final BigDecimal number;
    private final byte[] binary;
    private final int hash;

    private KeyValue(int rank, char type, String string, BigDecimal number, byte[] binary) {
        this.rank = rank;
        this.type = type;
        this.string = string;
        this.number = number;
        this.binary = binary;
        this.hash = switch (type) {
            case 'S' -> string.hashCode();
            case 'N' -> number.hashCode();
            case 'B' -> Arrays.hashCode(binary);
            default -> rank;
        };
    }

    /**
     * The key value of an attribute value, which must be of {@code expectedType}.
     *
     * @throws DynamoDbException a ValidationException naming the attribute when the type does not match
     */
    static KeyValue of(JsonNode value, String expectedType, String attribute) {
        if (value == null || !value.isObject() || value.size() != 1 || !value.has(expectedType)) {
            throw DynamoDbException.validation("One or more parameter values were invalid: Type mismatch for key "
                    + attribute + " expected: " + expectedType + " actual: "
                    + (value == null || !value.isObject() || value.isEmpty() ? "none" : AttributeValues.type(value)));
        }
        return switch (expectedType) {
            case "S" -> {
                String text = value.get("S").asText();
                if (text.isEmpty()) {
                    throw DynamoDbException.validation("One or more parameter values are not valid. The AttributeValue "
                            + "for a key attribute cannot contain an empty string value. Key: " + attribute);
                }
                yield new KeyValue(1, 'S', text, null, null);
            }
            case "N" ->
                new KeyValue(
                        1, 'N', null, AttributeValues.numberOf(value, attribute).stripTrailingZeros(), null);
            case "B" -> new KeyValue(1, 'B', null, null, AttributeValues.bytes(value));
            default ->
                throw DynamoDbException.validation(
                        "Key attribute " + attribute + " has type " + expectedType + "; a key is S, N or B");
        };
    }

    /** Whether this is a real value, not a bound or {@link #NONE}. */
    boolean isValue() {
        return string != null || number != null || binary != null;
    }

    /** Whether a string key starts with {@code prefix}, or a binary one with its bytes: begins_with on a sort key. */
    boolean beginsWith(KeyValue prefix) {
        if (type != prefix.type) {
            return false;
        }
        if (type == 'S') {
            return string.startsWith(prefix.string);
        }
        return type == 'B'
                && binary.length >= prefix.binary.length
                && Arrays.equals(binary, 0, prefix.binary.length, prefix.binary, 0, prefix.binary.length);
    }

    /**
     * The least key above every key that begins with this one (a string or binary prefix), for the
     * end of a begins_with range; empty when no such key exists.
     */
    java.util.Optional<KeyValue> prefixEnd() {
        if (type == 'S') {
            int[] points = string.codePoints().toArray();
            for (int i = points.length - 1; i >= 0; i--) {
                if (points[i] < Character.MAX_CODE_POINT) {
                    points[i]++;
                    return java.util.Optional.of(new KeyValue(1, 'S', new String(points, 0, i + 1), null, null));
                }
            }
            return java.util.Optional.empty();
        }
        if (type == 'B') {
            for (int i = binary.length - 1; i >= 0; i--) {
                if (binary[i] != (byte) 0xFF) {
                    byte[] end = Arrays.copyOf(binary, i + 1);
                    end[i]++;
                    return java.util.Optional.of(new KeyValue(1, 'B', null, null, end));
                }
            }
            return java.util.Optional.empty();
        }
        throw new IllegalStateException("Only string and binary keys have prefixes, not " + type);
    }

    /** {@code S}, {@code N} or {@code B}. */
    String type() {
        return Character.toString(type);
    }

    @Override
    public int compareTo(KeyValue other) {
        if (rank != other.rank) {
            return Integer.compare(rank, other.rank);
        }
        if (type != other.type) {
            // Never within one table: a key attribute has one type.
            return Character.compare(type, other.type);
        }
        return switch (type) {
            case 'S' -> AttributeValues.compareCodePoints(string, other.string);
            case 'N' -> number.compareTo(other.number);
            case 'B' -> Arrays.compareUnsigned(binary, other.binary);
            default -> 0;
        };
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KeyValue key
                && hash == key.hash
                && rank == key.rank
                && type == key.type
                && compareTo(key) == 0;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return switch (type) {
            case 'S' -> string;
            case 'N' -> number.toPlainString();
            case 'B' -> "0x" + java.util.HexFormat.of().formatHex(binary);
            default -> rank == 0 ? "(lowest)" : rank == 2 ? "(highest)" : "(none)";
        };
    }
}
