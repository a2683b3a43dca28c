package dev.loadsplitter.engine.internal.ledger;

/**
 * A delivery's claim on its sub-task was taken over by another delivery (its lease ran out, or the
 * task was redriven): what it meant to write as the holder (dead letters, skips) is not its to write.
 */
public final class ClaimLostException extends RuntimeException {

    public ClaimLostException(String jobId, String partId, String owner) {
        super(
                owner + " no longer holds sub-task " + jobId + "/" + partId + "; another delivery took it over",
                null,
                false,
                false);
    }
}
