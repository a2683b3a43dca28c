package dev.loadsplitter.engine.jobs;

import dev.loadsplitter.engine.config.DurationSetting;
import dev.loadsplitter.engine.config.LedgerTolerance;
import dev.loadsplitter.engine.internal.config.AwsClients;
import dev.loadsplitter.engine.internal.config.EngineSettings;
import dev.loadsplitter.engine.internal.ledger.DynamoDbLedgerTable;
import dev.loadsplitter.engine.internal.ledger.Ledger;
import dev.loadsplitter.engine.internal.ledger.LedgerSettings;
import dev.loadsplitter.engine.internal.ledger.UnknownJobException;
import dev.loadsplitter.engine.internal.time.Sleeper;
import dev.loadsplitter.engine.message.ItemResult;
import dev.loadsplitter.engine.message.JobRecord;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * The jobs in one ledger table: what {@code load-splitter jobs} shows, for code.
 *
 * <pre>{@code
 * try (Jobs jobs = Jobs.connect("my-ledger-table", System.getenv())) {
 *     jobs.results(jobId, result -> System.out.println(result.toJson()));
 * }
 * }</pre>
 *
 * Every call reads or writes the table through DynamoDB's API; none keeps state between calls.
 */
public final class Jobs implements AutoCloseable {

    private final Ledger ledger;
    private final String table;
    private final String where;
    private final AutoCloseable client;

    private Jobs(Ledger ledger, String table, String where, AutoCloseable client) {
        this.ledger = ledger;
        this.table = table;
        this.where = where;
        this.client = client;
    }

    /**
     * The jobs in {@code table}, reached as the function reaches it: {@code AWS_ENDPOINT_URL_DYNAMODB}
     * (a local endpoint, such as serve's {@code http://127.0.0.1:9002}), {@code AWS_REGION} and the
     * standard credential variables from {@code environment}, else the SDK's default chain; and with
     * the function's {@code IDEMPOTENCY_TTL} and {@code JOB_DEADLINE} (their defaults when unset), so
     * that a write here (a cancel, a redrive) keeps records as long as the function does.
     */
    public static Jobs connect(String table, Map<String, String> environment) {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(environment, "environment");
        DynamoDbClient dynamo = AwsClients.dynamoDb(environment);
        Ledger ledger = new Ledger(
                new DynamoDbLedgerTable(dynamo, table),
                Clock.systemUTC(),
                LedgerSettings.of(
                        DurationSetting.read(EngineSettings.IDEMPOTENCY_TTL, environment),
                        DurationSetting.read(EngineSettings.JOB_DEADLINE, environment),
                        LedgerTolerance.none()),
                Sleeper.system());
        return new Jobs(ledger, table, environment.getOrDefault("AWS_ENDPOINT_URL_DYNAMODB", "AWS"), dynamo);
    }

    /** Jobs, the most recently started first, at most {@code limit}. */
    public List<JobRecord> list(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be 1 or more, got " + limit);
        }
        return reading(() -> ledger.jobs(limit));
    }

    /** One job's record, as it stands now. */
    public Optional<JobRecord> show(String jobId) {
        return reading(() -> ledger.job(jobId));
    }

    /**
     * Gives {@code each} what became of each item, in item order, one each: every item of a closed
     * job (those it never started as skipped), the items finished so far of an open one.
     *
     * @return whether the job is closed, so that every item was given
     * @throws NoSuchJobException when there is no such job
     */
    public boolean results(String jobId, Consumer<ItemResult> each) {
        try {
            return reading(() -> ledger.itemResults(jobId, each));
        } catch (UnknownJobException e) {
            throw new NoSuchJobException(jobId, table, e);
        }
    }

    /** Stops a job: no work starts after this, items not started are skipped, and it closes CANCELLED. */
    public CancelOutcome cancel(String jobId) {
        return reading(() -> switch (ledger.cancel(jobId)) {
            case STOPPED -> CancelOutcome.STOPPED;
            case ALREADY_STOPPED -> CancelOutcome.ALREADY_STOPPED;
            case ALREADY_CLOSED -> CancelOutcome.ALREADY_CLOSED;
            case NO_SUCH_JOB -> CancelOutcome.NO_SUCH_JOB;
        });
    }

    /**
     * Readies items {@code [from, to)} of a job for a redrive of their dead-lettered sub-task: the job
     * reopens when it had closed, and their dead-lettered marks may be taken again. Call it before the
     * sub-task is sent back to the work queue; calling it twice is harmless.
     *
     * @return how many of those items were dead-lettered and now wait for the redrive
     * @throws NoSuchJobException when there is no such job
     */
    public long redrive(String jobId, long from, long to) {
        try {
            return reading(() -> ledger.redrive(jobId, from, to));
        } catch (UnknownJobException e) {
            throw new NoSuchJobException(jobId, table, e);
        }
    }

    /** The error a sub-task's last failed attempt recorded, if any. */
    public Optional<String> firstError(String jobId, String partId) {
        return reading(() -> ledger.firstError(jobId, partId));
    }

    private <T> T reading(Supplier<T> call) {
        try {
            return call.get();
        } catch (ResourceNotFoundException e) {
            throw new JobsUnavailableException(
                    JobsUnavailableException.Reason.NO_SUCH_TABLE,
                    "There is no table " + table + " at " + where + ".",
                    e);
        } catch (SdkException e) {
            throw new JobsUnavailableException(
                    JobsUnavailableException.Reason.UNREACHABLE,
                    "Cannot read the job ledger " + table + " at " + where + " (" + e.getMessage() + ").",
                    e);
        }
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the DynamoDB client failed", e);
        }
    }
}
