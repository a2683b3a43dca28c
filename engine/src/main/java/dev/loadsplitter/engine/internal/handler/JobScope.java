package dev.loadsplitter.engine.internal.handler;

import dev.loadsplitter.engine.internal.ledger.JobLedger;
import dev.loadsplitter.engine.internal.ledger.Standing;
import dev.loadsplitter.engine.internal.ledger.UnknownJobException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one invocation learns of the jobs its records belong to: each job's counts, read once per
 * invocation before its first claimed record starts work (is it stopped?), and the jobs it counted
 * into, which it settles before it answers. Records of one batch share it; it lives as long as the
 * invocation.
 */
final class JobScope {

    private final JobLedger ledger;
    private final Map<String, Standing> standings = new ConcurrentHashMap<>();
    private final Map<String, Boolean> touched = new ConcurrentHashMap<>();
    private final Map<String, String> jobOfRecord = new ConcurrentHashMap<>();

    JobScope(JobLedger ledger) {
        this.ledger = ledger;
    }

    /**
     * The job's counts as this invocation first read them.
     *
     * @throws UnknownJobException when the ledger has no such job
     */
    Standing standing(String jobId) {
        Standing known = standings.get(jobId);
        if (known != null) {
            return known;
        }
        Standing read = ledger.standing(jobId).orElseThrow(() -> new UnknownJobException(jobId));
        standings.put(jobId, read);
        return read;
    }

    /** The job's counts read again now, for a split that looks between chunks. */
    Optional<Standing> fresh(String jobId) {
        Optional<Standing> read = ledger.standing(jobId);
        read.ifPresent(standing -> standings.put(jobId, standing));
        return read;
    }

    /** Remembers that this invocation counted into {@code jobId}, or saw it may need settling. */
    void touched(String jobId) {
        touched.put(jobId, Boolean.TRUE);
    }

    /** Remembers that record {@code messageId} belongs to {@code jobId}, whose settling it waits for. */
    void recordOf(String messageId, String jobId) {
        jobOfRecord.put(messageId, jobId);
    }

    /** The job record {@code messageId} belongs to, when it named one. */
    Optional<String> jobOf(String messageId) {
        return Optional.ofNullable(jobOfRecord.get(messageId));
    }

    /** The jobs to settle before the invocation answers. */
    java.util.Set<String> touched() {
        return touched.keySet();
    }
}
