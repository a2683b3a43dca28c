package dev.loadsplitter.engine.message;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one Jackson configuration every event, sub-task and response goes through.
 *
 * <p>Limits are set on purpose rather than left to Jackson's defaults:
 * <ul>
 *   <li>documents up to 8 MiB: above Lambda's 6 MB synchronous payload limit, so a legal invoke
 *       is never refused by the parser, while a runaway input still is;</li>
 *   <li>nesting up to 200 levels: CloudTrail events nest about ten deep;</li>
 *   <li>strings up to 6 MiB, numbers up to 1,000 digits.</li>
 * </ul>
 * Duplicate keys and trailing tokens are errors, since either means the producer is broken, and
 * floating-point numbers are kept as exact decimals so that a sub-task writes back what it read.
 */
public final class EventJson {

    public static final long MAX_DOCUMENT_BYTES = 8L * 1024 * 1024;
    public static final int MAX_NESTING_DEPTH = 200;
    public static final int MAX_STRING_LENGTH = 6 * 1024 * 1024;
    public static final int MAX_NUMBER_LENGTH = 1_000;

    private static final ObjectMapper SHARED = create();

    private EventJson() {}

    /**
     * The mapper every handler of this class loader shares. It is thread-safe, and sharing it means
     * its caches warm once rather than once per container where many containers share a JVM.
     */
    public static ObjectMapper shared() {
        return SHARED;
    }

    /** A new mapper with the limits above. */
    public static ObjectMapper create() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxDocumentLength(MAX_DOCUMENT_BYTES)
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxStringLength(MAX_STRING_LENGTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .build())
                .build();
        return JsonMapper.builder(factory)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .build();
    }

    /**
     * Why {@code what} could not be read, for a log line: "the body is not valid JSON (…)" or
     * "the payload is over a parsing limit (…)".
     *
     * @param what "the payload", "the body"
     */
    public static String describe(String what, JacksonException e) {
        String detail = e.getOriginalMessage();
        if (e instanceof StreamConstraintsException) {
            return what + " is over a parsing limit (" + detail + ")";
        }
        return what + " is not valid JSON (" + detail + ")";
    }
}
