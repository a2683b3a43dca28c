package dev.loadsplitter.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadsplitter.engine.jobs.CancelOutcome;
import dev.loadsplitter.engine.jobs.Jobs;
import dev.loadsplitter.engine.jobs.JobsUnavailableException;
import dev.loadsplitter.engine.jobs.NoSuchJobException;
import dev.loadsplitter.engine.message.JobCompletedEvent;
import dev.loadsplitter.engine.message.JobRecord;
import dev.loadsplitter.local.aws.EventBridgeBus;
import dev.loadsplitter.local.aws.EventFilter;
import dev.loadsplitter.local.aws.LocalEventsClient;
import java.io.PrintWriter;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code load-splitter jobs list|show}: the job records the function keeps beside its processing records. */
@Command(
        name = "jobs",
        mixinStandardHelpOptions = true,
        description =
                "Shows the jobs the function keeps in its job ledger: items processed, dead-lettered and skipped, "
                        + "status; streams a job's results; cancels a job. Works against 'load-splitter serve' (the "
                        + "default) and against AWS (--records-table with standard credentials).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done (for cancel: the job is stopped, now or before)",
            "1:no such job, or the table could not be read (the message says which)",
            "2:the command line was wrong",
            "4:cancel only: the job had closed otherwise (completed, failed or timed out)"
        },
        subcommands = {
            JobsCommand.ListCommand.class,
            JobsCommand.ShowCommand.class,
            JobsCommand.ResultsCommand.class,
            JobsCommand.CancelCommand.class
        })
final class JobsCommand {

    static final String LOCAL_TABLE = "load-splitter-records";
    static final String LOCAL_ENDPOINT = "http://127.0.0.1:9002";

    @Option(
            names = "--records-table",
            defaultValue = LOCAL_TABLE,
            paramLabel = "TABLE",
            scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "The DynamoDB table of processing and job records (default: ${DEFAULT-VALUE}, which "
                    + "'load-splitter serve' keeps).")
    String table;

    @Option(
            names = "--records-endpoint-url",
            paramLabel = "URL",
            scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "A DynamoDB-protocol endpoint (default: " + LOCAL_ENDPOINT + ", serve's --aws-port, for "
                    + "the default table; AWS for any other table).")
    String endpoint;

    @Option(
            names = "--region",
            paramLabel = "REGION",
            scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "The table's AWS region (default: AWS_REGION, or us-east-1 for a local endpoint).")
    String region;

    @Option(
            names = "--json",
            scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Print JSON instead of a table.")
    boolean json;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The jobs of the table these options name. */
    Jobs connect() {
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.keySet().removeIf(name -> name.startsWith("AWS_"));
        environment.putAll(clientEnvironment());
        return Jobs.connect(table, environment);
    }

    /** Where the table is: the endpoint, region and credentials these options and the environment give. */
    private Map<String, String> clientEnvironment() {
        Map<String, String> environment = new HashMap<>();
        System.getenv().forEach((name, value) -> {
            if (name.startsWith("AWS_")) {
                environment.put(name, value);
            }
        });
        String url = endpoint != null ? endpoint : table.equals(LOCAL_TABLE) ? LOCAL_ENDPOINT : null;
        if (url != null) {
            environment.put("AWS_ENDPOINT_URL_DYNAMODB", url);
            environment.put("AWS_ACCESS_KEY_ID", "local");
            environment.put("AWS_SECRET_ACCESS_KEY", "local");
        }
        String chosen = region != null
                ? region
                : System.getenv("AWS_REGION") != null ? System.getenv("AWS_REGION") : url != null ? "us-east-1" : null;
        if (chosen != null) {
            environment.put("AWS_REGION", chosen);
        }
        return environment;
    }

    /** What to say when the table cannot be read: which endpoint, and for the local one, how to start it. */
    RuntimeException unreachable(JobsUnavailableException e) {
        String where = endpoint != null ? endpoint : table.equals(LOCAL_TABLE) ? LOCAL_ENDPOINT : "AWS";
        if (e.reason() == JobsUnavailableException.Reason.NO_SUCH_TABLE) {
            return new IllegalStateException(
                    "There is no table " + table + " at " + where + ". Give the table the "
                            + "deployment created (terraform output records_table) with --records-table.",
                    e);
        }
        boolean local = where.startsWith("http://127.0.0.1") || where.startsWith("http://localhost");
        return new IllegalStateException(
                "Cannot read the job records at " + where + " (" + e.getCause().getMessage() + "). "
                        + (local
                                ? "Start them with './load-splitter serve' (port "
                                        + URI.create(where).getPort() + " is its --aws-port)."
                                : "Check the network, the region and your AWS credentials."),
                e);
    }

    /**
     * The job's "Job Completed" events on the local bus, read through the local endpoint's own
     * ListEvents; empty for a table on AWS, whose EventBridge keeps no list to read back.
     */
    Optional<List<EventBridgeBus.PutEvent>> completionEvents(String jobId) {
        String url = endpoint != null ? endpoint : table.equals(LOCAL_TABLE) ? LOCAL_ENDPOINT : null;
        if (url == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalEventsClient.create(URI.create(url))
                    .events(EventFilter.any()
                            .source(JobCompletedEvent.SOURCE)
                            .detailType(JobCompletedEvent.DETAIL_TYPE)
                            .detail("jobId", jobId)));
        } catch (RuntimeException e) {
            // A DynamoDB endpoint that is not ours (dynalite, DynamoDB Local) serves no bus.
            return Optional.empty();
        }
    }

    /** "2 (closes 1, 2)": how many completion events, and the closes they announce. */
    static String describe(List<EventBridgeBus.PutEvent> events) {
        return events.size()
                + (events.isEmpty()
                        ? ""
                        : events.stream()
                                .map(event -> Integer.toString(
                                        event.detail().path("close").asInt()))
                                .collect(java.util.stream.Collectors.joining(", ", " (close ", ")")));
    }

    static String line(JobRecord job) {
        return String.format(
                Locale.ROOT,
                "%-38s  %-24s  %5d  %8d  %9d  %8d  %8d  %6d  %-24s  %s",
                job.jobId(),
                job.status(),
                job.close(),
                job.items(),
                job.processed(),
                job.deadLettered(),
                job.skipped(),
                job.failedAttempts(),
                job.lastActivity(),
                job.completedAt().map(Object::toString).orElse("-"));
    }

    static final String HEADER = String.format(
            Locale.ROOT,
            "%-38s  %-24s  %5s  %8s  %9s  %8s  %8s  %6s  %-24s  %s",
            "JOB ID",
            "STATUS",
            "CLOSE",
            "ITEMS",
            "PROCESSED",
            "DEAD",
            "SKIPPED",
            "FAILED",
            "LAST ACTIVITY",
            "COMPLETED");

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "One line per job, the most recently active first.")
    static final class ListCommand implements Callable<Integer> {

        @ParentCommand
        JobsCommand jobs;

        @Spec
        CommandSpec spec;

        @Option(
                names = "--limit",
                defaultValue = "50",
                paramLabel = "N",
                description = "The most jobs to list, newest first (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            List<JobRecord> all;
            try (Jobs ledger = jobs.connect()) {
                all = ledger.list(limit);
            } catch (JobsUnavailableException e) {
                throw jobs.unreachable(e);
            }
            if (jobs.json) {
                ArrayNode array = JSON.createArrayNode();
                all.forEach(job -> array.add(job.toJson()));
                out.println(JSON.writeValueAsString(array));
            } else {
                out.println(HEADER);
                all.forEach(job -> out.println(line(job)));
                out.printf("%d job%s in %s%n", all.size(), all.size() == 1 ? "" : "s", jobs.table);
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "One job's record. Exit code 1 when there is no such job.")
    static final class ShowCommand implements Callable<Integer> {

        @ParentCommand
        JobsCommand jobs;

        @Spec
        CommandSpec spec;

        @Parameters(
                paramLabel = "JOB_ID",
                description = "The job's id: the EventBridge event id, or sha256-… for any "
                        + "other event (run --json prints it as jobId).")
        String jobId;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            Optional<JobRecord> job;
            try (Jobs ledger = jobs.connect()) {
                job = ledger.show(jobId);
            } catch (JobsUnavailableException e) {
                throw jobs.unreachable(e);
            }
            if (job.isEmpty()) {
                spec.commandLine()
                        .getErr()
                        .println("load-splitter: no job " + jobId + " in " + jobs.table
                                + "; 'load-splitter jobs list' shows the jobs there.");
                return ExitCodes.FAILED;
            }
            JobRecord record = job.get();
            Optional<List<EventBridgeBus.PutEvent>> events = jobs.completionEvents(jobId);
            if (jobs.json) {
                ObjectNode node = record.toJson();
                events.ifPresent(found -> node.put("completedEvents", found.size()));
                out.println(JSON.writeValueAsString(node));
            } else {
                out.printf(
                        Locale.ROOT,
                        """
                        job              %s
                        task type        %s
                        status           %s%s
                        close            %d
                        items            %,d
                        processed        %,d
                        dead-lettered    %,d
                        skipped          %,d
                        outstanding      %,d
                        results          %,d
                        failed attempts  %,d
                        first activity   %s
                        last activity    %s
                        completed        %s
                        completion events %s
                        """,
                        record.jobId(),
                        record.taskType(),
                        record.status(),
                        record.reason().map(reason -> " (" + reason + ")").orElse(""),
                        record.close(),
                        record.items(),
                        record.processed(),
                        record.deadLettered(),
                        record.skipped(),
                        record.outstanding(),
                        record.results(),
                        record.failedAttempts(),
                        record.firstActivity(),
                        record.lastActivity(),
                        record.completedAt().map(Object::toString).orElse("-"),
                        events.map(JobsCommand::describe)
                                .orElse("- (the bus is not readable here: AWS keeps no list of put events)"));
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "results",
            mixinStandardHelpOptions = true,
            description = "What became of each item of a job, in item order, as JSON Lines on stdout whatever --json "
                    + "says: {\"index\":0,\"result\":…} (null when the work returned none), "
                    + "{\"index\":7,\"error\":{\"type\":…,\"message\":…}} for a dead-lettered item, "
                    + "{\"index\":9,\"skipped\":true} for one the job never started. For a job still open, the "
                    + "items finished so far, and a last line on stderr that says so. Exit code 1 when there is "
                    + "no such job.")
    static final class ResultsCommand implements Callable<Integer> {

        @ParentCommand
        JobsCommand jobs;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "JOB_ID", description = "The job's id (run --json prints it as jobId).")
        String jobId;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            boolean closed;
            long[] lines = {0};
            try (Jobs ledger = jobs.connect()) {
                closed = ledger.results(jobId, result -> {
                    out.println(result.toJson().toString());
                    lines[0]++;
                });
            } catch (NoSuchJobException e) {
                out.flush();
                spec.commandLine()
                        .getErr()
                        .println("load-splitter: no such job " + jobId + " in " + jobs.table
                                + "; 'load-splitter jobs list' shows the jobs there.");
                return ExitCodes.FAILED;
            } catch (JobsUnavailableException e) {
                throw jobs.unreachable(e);
            }
            out.flush();
            if (!closed) {
                spec.commandLine()
                        .getErr()
                        .println("load-splitter: job " + jobId + " is still open: these " + lines[0]
                                + " lines are the items finished so far.");
            }
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "cancel",
            mixinStandardHelpOptions = true,
            description = "Stops a job: no work starts after this (a sub-task already running finishes its item), "
                    + "the items not started are counted as skipped, and the job closes CANCELLED with one "
                    + "completion event once its work in flight ends. Exit code 0 when it is stopped (now or "
                    + "before), 1 when there is no such job, 4 when it had closed otherwise.")
    static final class CancelCommand implements Callable<Integer> {

        @ParentCommand
        JobsCommand jobs;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "JOB_ID", description = "The job's id (run --json prints it as jobId).")
        String jobId;

        @Override
        public Integer call() throws Exception {
            CancelOutcome outcome;
            try (Jobs ledger = jobs.connect()) {
                outcome = ledger.cancel(jobId);
            } catch (JobsUnavailableException e) {
                throw jobs.unreachable(e);
            }
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            switch (outcome) {
                case STOPPED ->
                    out.println("load-splitter: job " + jobId + " stopped; it closes CANCELLED when its "
                            + "work in flight ends ('load-splitter jobs show " + jobId + "').");
                case ALREADY_STOPPED -> out.println("load-splitter: job " + jobId + " was stopped already.");
                case ALREADY_CLOSED ->
                    err.println("load-splitter: job " + jobId + " had closed already; " + "'load-splitter jobs show "
                            + jobId + "' says how.");
                case NO_SUCH_JOB ->
                    err.println("load-splitter: no such job " + jobId + " in " + jobs.table
                            + "; 'load-splitter jobs list' shows the jobs there.");
            }
            out.flush();
            err.flush();
            return switch (outcome) {
                case STOPPED, ALREADY_STOPPED -> ExitCodes.OK;
                case NO_SUCH_JOB -> ExitCodes.FAILED;
                case ALREADY_CLOSED -> ExitCodes.ITEMS_FAILED;
            };
        }
    }
}
