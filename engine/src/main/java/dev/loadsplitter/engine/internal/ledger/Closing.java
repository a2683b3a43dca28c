package dev.loadsplitter.engine.internal.ledger;

import dev.loadsplitter.engine.message.JobRecord;

/** What a look at whether a job can close came to. */
public sealed interface Closing {

    /** Items are still open; nothing to do. */
    record Open(Standing standing) implements Closing {}

    /** The job is closed and its event published, or another invocation is publishing it. */
    record Settled() implements Closing {}

    /**
     * The caller holds the job's completion event for close number {@code job.close()}: publish it, then
     * say {@code published} (or {@code publicationFailed}).
     */
    record Publish(JobRecord job) implements Closing {}

    /** The ledger has no such job. */
    record Unknown() implements Closing {}
}
