package dev.loadsplitter.engine.config;

import java.util.Locale;

/** How a split's sub-tasks reach the function again ({@code DISPATCH}). */
public enum Dispatch {
    /** Through the work queue, whose event source mapping invokes the function with batches. */
    SQS("sqs"),
    /**
     * Through asynchronous invocations of the function itself ({@code InvocationType=Event}), each
     * carrying one sub-task and its lineage in the payload; Lambda retries a failed one twice and
     * then sends it to the function's on-failure destination.
     */
    INVOKE("invoke");

    private final String value;

    Dispatch(String value) {
        this.value = value;
    }

    /** The value of {@code DISPATCH}: {@code sqs} or {@code invoke}. */
    public String value() {
        return value;
    }

    /** Reads {@code sqs} or {@code invoke}, in any case. */
    public static Dispatch parse(String text) {
        for (Dispatch dispatch : values()) {
            if (dispatch.value.equals(text.trim().toLowerCase(Locale.ROOT))) {
                return dispatch;
            }
        }
        throw new IllegalArgumentException("must be sqs or invoke, got '" + text + "'");
    }
}
