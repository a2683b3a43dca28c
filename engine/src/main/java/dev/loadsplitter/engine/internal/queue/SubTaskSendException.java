package dev.loadsplitter.engine.internal.queue;

/**
 * Some sub-tasks were not queued after bounded retries. The invocation must fail so that its
 * source retries; the sub-tasks already queued carry the same job and part ids as the retry's,
 * so duplicates can be recognised.
 */
public final class SubTaskSendException extends RuntimeException {

    private final int sent;
    private final int failed;

    public SubTaskSendException(String queue, int sent, int failed, int attempts, String firstError) {
        super("Queued " + sent + " of " + (sent + failed) + " sub-tasks to " + queue + "; " + failed
                + " failed after " + attempts + " attempt" + (attempts == 1 ? "" : "s") + " (first error: "
                + firstError + "). Failing the invocation so the source retries it.");
        this.sent = sent;
        this.failed = failed;
    }

    public int sent() {
        return sent;
    }

    public int failed() {
        return failed;
    }
}
