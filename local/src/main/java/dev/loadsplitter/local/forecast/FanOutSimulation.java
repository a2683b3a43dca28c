package dev.loadsplitter.local.forecast;

import dev.loadsplitter.engine.internal.split.SplitPolicy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A discrete-time simulation of one fan-out on AWS, step by step: the root invocation splits the
 * event as the engine does (at most the fan-out limit of sub-tasks per invocation, levels below
 * that), queuing sub-tasks at the assumed send rate; the dispatch path's documented scaling rules
 * decide how many invocations may run at each step; new execution environments cost a cold start
 * and come out of the function's scaling budget; idle ones are reused.
 */
public final class FanOutSimulation {

    /** The simulated time step. */
    static final double STEP_SECONDS = 0.05;

    /** A fan-out that would run longer than a week is refused rather than simulated. */
    private static final double LIMIT_SECONDS = 7 * 24 * 3600;

    /** Planning a split, before its first send. */
    private static final double SPLIT_OVERHEAD_SECONDS = 0.05;

    private final ForecastSettings settings;
    private final Assumptions assumptions;

    public FanOutSimulation(ForecastSettings settings, Assumptions assumptions) {
        this.settings = settings;
        this.assumptions = assumptions;
    }

    /** A task: its items; it is split when it holds more than K. */
    private record Task(long items) {}

    /** A task that becomes available at a time: a message visible on the queue, or an event in Lambda's queue. */
    private record Arrival(double at, Task task) {}

    /** An invocation under way, and when it ends. */
    private record Running(double end) {}

    public Prediction predict(Delivery dispatch) {
        PriorityQueue<Arrival> arrivals = new PriorityQueue<>((a, b) -> Double.compare(a.at(), b.at()));
        PriorityQueue<Running> running = new PriorityQueue<>((a, b) -> Double.compare(a.end(), b.end()));
        ArrayDeque<Task> available = new ArrayDeque<>();
        double coldStart = assumptions.value(Assumptions.COLD_START);
        double memoryGb = settings.memoryMb() / 1024.0;
        double scalingCapacity = assumptions.value(Assumptions.FUNCTION_SCALING);
        double tokens = scalingCapacity;
        double refillPerSecond = scalingCapacity / 10;
        int idle = 0;
        long coldStarts = 0;
        long invocations = 0;
        double gbSeconds = 0;
        long sqsSends = 0;
        long receivedMessages = 0;
        long deletes = 0;
        int peak = 0;
        double lastEnd = 0;
        double mappingCap = initialMappingCap(dispatch);
        boolean mappingStarted = dispatch == Delivery.SQS_PROVISIONED;

        // The root: invoked once, directly (EventBridge's asynchronous invocation), at time 0.
        tokens--;
        coldStarts++;
        invocations++;
        double rootDuration = coldStart + work(new Task(settings.items()), 0, arrivals, dispatch);
        sqsSends += sends(new Task(settings.items()), dispatch);
        gbSeconds += memoryGb * rootDuration;
        running.add(new Running(rootDuration));
        peak = 1;

        double t = 0;
        while (!running.isEmpty() || !arrivals.isEmpty() || !available.isEmpty()) {
            if (t > LIMIT_SECONDS) {
                throw new IllegalArgumentException("This fan-out would run for more than a week on AWS; "
                        + "forecast a smaller event, or raise the concurrency.");
            }
            while (!arrivals.isEmpty() && arrivals.peek().at() <= t) {
                available.add(arrivals.poll().task());
            }
            while (!running.isEmpty() && running.peek().end() <= t) {
                lastEnd = Math.max(lastEnd, running.poll().end());
                idle++;
            }
            if (!available.isEmpty()) {
                if (!mappingStarted) {
                    mappingStarted = true;
                } else {
                    mappingCap = Math.min(maxMappingCap(dispatch), mappingCap + rampPerSecond(dispatch) * STEP_SECONDS);
                }
            }
            tokens = Math.min(scalingCapacity, tokens + refillPerSecond * STEP_SECONDS);
            int limit = (int) Math.min(settings.functionLimit(), Math.floor(mappingCap));
            while (!available.isEmpty() && running.size() < limit) {
                boolean cold = idle == 0;
                if (cold) {
                    if (tokens < 1) {
                        break;
                    }
                    tokens--;
                    coldStarts++;
                } else {
                    idle--;
                }
                int batch = dispatch == Delivery.INVOKE ? 1 : settings.batchSize();
                List<Double> durations = new ArrayList<>();
                for (int i = 0; i < batch && !available.isEmpty(); i++) {
                    Task task = available.poll();
                    double start = t + (cold ? coldStart : 0);
                    durations.add(work(task, start, arrivals, dispatch));
                    sqsSends += sends(task, dispatch);
                }
                if (dispatch != Delivery.INVOKE) {
                    // One receive per up to 10 messages, one delete (batch) per invocation.
                    receivedMessages += durations.size();
                    deletes++;
                }
                double duration = (cold ? coldStart : 0) + batchDuration(durations);
                gbSeconds += memoryGb * duration;
                invocations++;
                running.add(new Running(t + duration));
                peak = Math.max(peak, running.size());
            }
            t += STEP_SECONDS;
        }
        double pollerHours = dispatch == Delivery.SQS_PROVISIONED ? settings.minimumPollers() * lastEnd / 3600 : 0;
        double gbPrice = assumptions.value(
                settings.architecture().equals("arm64") ? Assumptions.GB_SECOND_ARM : Assumptions.GB_SECOND_X86);
        long sqs = sqsSends + (receivedMessages + 9) / 10 + deletes;
        double cost = gbSeconds * gbPrice
                + invocations * assumptions.value(Assumptions.LAMBDA_REQUESTS) / 1e6
                + sqs * assumptions.value(Assumptions.SQS_REQUESTS) / 1e6
                + pollerHours * assumptions.value(Assumptions.POLLER_HOUR);
        return new Prediction(lastEnd, peak, invocations, coldStarts, gbSeconds, invocations, sqs, pollerHours, cost);
    }

    /**
     * Does a task that starts at {@code start}: a small one takes its items' work; a large one is
     * split, and its sub-tasks arrive one after another at the send rate. Returns how long it runs.
     */
    private double work(Task task, double start, PriorityQueue<Arrival> arrivals, Delivery dispatch) {
        if (task.items() <= settings.maxItemsPerTask()) {
            return task.items() * settings.secondsPerItem();
        }
        List<Task> children = split(task);
        double sendRate = assumptions.value(Assumptions.SEND_RATE);
        double at = start + SPLIT_OVERHEAD_SECONDS;
        for (int i = 0; i < children.size(); i++) {
            arrivals.add(new Arrival(at + (i + 1) / sendRate, children.get(i)));
        }
        return SPLIT_OVERHEAD_SECONDS + children.size() / sendRate;
    }

    /** The SendMessageBatch calls a split makes: one per 10 sub-tasks; none on the invoke path. */
    private long sends(Task task, Delivery dispatch) {
        if (dispatch == Delivery.INVOKE || task.items() <= settings.maxItemsPerTask()) {
            return 0;
        }
        return (split(task).size() + 9) / 10;
    }

    /** The engine's split: sub-tasks of K items, or, beyond the fan-out limit, a few larger ones. */
    private List<Task> split(Task task) {
        long per = SplitPolicy.itemsPerSubTask(task.items(), settings.maxItemsPerTask(), settings.fanOutLimit());
        List<Task> children = new ArrayList<>();
        long left = task.items();
        while (left > 0) {
            long items = Math.min(per, left);
            children.add(new Task(items));
            left -= items;
        }
        return children;
    }

    /** A batch's records run {@code recordConcurrency} at once. */
    private double batchDuration(List<Double> durations) {
        double total = 0;
        double longest = 0;
        for (double duration : durations) {
            total += duration;
            longest = Math.max(longest, duration);
        }
        int parallel = Math.min(settings.recordConcurrency(), Math.max(1, durations.size()));
        return Math.max(longest, total / parallel);
    }

    private double initialMappingCap(Delivery dispatch) {
        return switch (dispatch) {
            case SQS -> Math.min(maxMappingCap(dispatch), assumptions.value(Assumptions.STANDARD_INITIAL));
            case SQS_PROVISIONED ->
                Math.min(
                        maxMappingCap(dispatch),
                        settings.minimumPollers() * assumptions.value(Assumptions.PROVISIONED_PER_POLLER));
            case INVOKE -> Double.MAX_VALUE;
        };
    }

    private double maxMappingCap(Delivery dispatch) {
        return switch (dispatch) {
            case SQS -> {
                double max = assumptions.value(Assumptions.STANDARD_MAX);
                yield settings.maximumConcurrency() > 0 ? Math.min(max, settings.maximumConcurrency()) : max;
            }
            case SQS_PROVISIONED ->
                Math.min(
                        assumptions.value(Assumptions.PROVISIONED_MAX),
                        settings.maximumPollers() * assumptions.value(Assumptions.PROVISIONED_PER_POLLER));
            case INVOKE -> Double.MAX_VALUE;
        };
    }

    private double rampPerSecond(Delivery dispatch) {
        return switch (dispatch) {
            case SQS -> assumptions.value(Assumptions.STANDARD_RAMP) / 60;
            case SQS_PROVISIONED -> assumptions.value(Assumptions.PROVISIONED_RAMP) / 60;
            case INVOKE -> 0;
        };
    }
}
