package dev.loadsplitter.engine.handler;

import java.util.Objects;

/**
 * What the engine needs of the Lambda invocation it runs in, without depending on Lambda's types.
 *
 * @param requestId the invocation's request id, named by every log line of a direct invocation
 */
public record Invocation(String requestId) {

    public Invocation {
        Objects.requireNonNull(requestId, "requestId");
    }
}
