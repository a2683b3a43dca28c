package dev.loadsplitter.engine.jobs;

/** The ledger has no such job: it was never started there, or its records expired (IDEMPOTENCY_TTL). */
public final class NoSuchJobException extends RuntimeException {

    private final String jobId;

    NoSuchJobException(String jobId, String table, Throwable cause) {
        super(
                "There is no job " + jobId + " in " + table + ": it was never started there (a function with "
                        + "IDEMPOTENCY=memory or off keeps no jobs, and no results, in a table: set IDEMPOTENCY=dynamodb "
                        + "and IDEMPOTENCY_TABLE), or its records expired (they are kept IDEMPOTENCY_TTL after its last "
                        + "change).",
                cause);
        this.jobId = jobId;
    }

    public String jobId() {
        return jobId;
    }
}
