package dev.loadsplitter.engine.internal.handler;

import dev.loadsplitter.engine.internal.ledger.JobLedger;
import dev.loadsplitter.engine.internal.ledger.Standing;
import dev.loadsplitter.engine.internal.ledger.UnknownJobException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one invocation learns of the jobs its records belong to: each job's counts, read once per
 * invocation before its first claimed record starts work (is it stopped?), and the jobs it counted
 * into, which it settles before it answers. Records of one batch share it; it lives as long as the
 * invocation.
 */
final class JobScope {

    private final JobLedger ledger;
    private final Map<String, CompletableFuture<Standing>> standings = new ConcurrentHashMap<>();
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
        // One read per job and invocation, however many of its records start at once: the first reads, the
        // others wait for its answer (a batch of 10 read the same counts up to 10 times). The read runs outside
        // any lock, so a virtual thread waiting on it never pins its carrier; a failed read is forgotten, and
        // the records that waited for it fail as it did.
        CompletableFuture<Standing> mine = new CompletableFuture<>();
        CompletableFuture<Standing> first = standings.putIfAbsent(jobId, mine);
        if (first != null) {
            try {
                return first.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException cause) {
                    throw cause;
                }
                throw e;
            }
        }
        try {
            Standing read = ledger.standing(jobId).orElseThrow(() -> new UnknownJobException(jobId));
            mine.complete(read);
            return read;
        } catch (RuntimeException | Error e) {
            standings.remove(jobId, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    /** The job's counts read again now, for a split that looks between chunks. */
    Optional<Standing> fresh(String jobId) {
        Optional<Standing> read = ledger.standing(jobId);
        read.ifPresent(standing -> standings.put(jobId, CompletableFuture.completedFuture(standing)));
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
