package dev.loadsplitter.local.forecast;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules and prices forecasts rest on: AWS's documented scaling rules and list prices
 * (us-east-1), and two figures of our own; each with its source and the day it was read. Any of
 * them can be overridden by key.
 */
public final class Assumptions {

    private static final LocalDate READ = LocalDate.of(2026, 11, 26);
    private static final String SQS_SCALING = "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html";
    private static final String PROVISIONED_BLOG = "https://aws.amazon.com/blogs/aws/"
            + "aws-lambda-enhances-sqs-processing-with-new-provisioned-mode-3x-faster-scaling-16x-higher-capacity";
    private static final String POLLER_API =
            "https://docs.aws.amazon.com/lambda/latest/api/API_ProvisionedPollerConfig.html";
    private static final String SCALING = "https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html";
    private static final String LAMBDA_PRICING = "https://aws.amazon.com/lambda/pricing/";
    private static final String SQS_PRICING = "https://aws.amazon.com/sqs/pricing/";

    public static final String STANDARD_INITIAL = "sqs.standard.initialConcurrency";
    public static final String STANDARD_RAMP = "sqs.standard.rampPerMinute";
    public static final String STANDARD_MAX = "sqs.standard.maxConcurrency";
    public static final String PROVISIONED_PER_POLLER = "sqs.provisioned.invokesPerPoller";
    public static final String PROVISIONED_RAMP = "sqs.provisioned.rampPerMinute";
    public static final String PROVISIONED_MAX = "sqs.provisioned.maxConcurrency";
    public static final String FUNCTION_SCALING = "lambda.scalingPer10Seconds";
    public static final String GB_SECOND_ARM = "price.lambda.gbSecond.arm64";
    public static final String GB_SECOND_X86 = "price.lambda.gbSecond.x86_64";
    public static final String LAMBDA_REQUESTS = "price.lambda.requestsPerMillion";
    public static final String SQS_REQUESTS = "price.sqs.requestsPerMillion";
    public static final String POLLER_HOUR = "price.sqs.provisionedPollerHour";
    public static final String SEND_RATE = "loadsplitter.sendRatePerInvocation";
    public static final String COLD_START = "lambda.coldStartSeconds";

    private final Map<String, Assumption> byKey;

    private Assumptions(Map<String, Assumption> byKey) {
        this.byKey = byKey;
    }

    /** AWS's rules and list prices as read on the day above, and our own two figures. */
    public static Assumptions defaults() {
        List<Assumption> all = List.of(
                new Assumption(
                        STANDARD_INITIAL,
                        5,
                        "invocations",
                        "An SQS event source mapping (standard mode) starts with five concurrent invocations once "
                                + "messages are available.",
                        SQS_SCALING,
                        READ),
                new Assumption(
                        STANDARD_RAMP,
                        300,
                        "invocations per minute",
                        "While messages remain, it adds up to 300 concurrent invocations a minute.",
                        SQS_SCALING,
                        READ),
                new Assumption(
                        STANDARD_MAX,
                        1_250,
                        "invocations",
                        "At most 1,250 concurrent invocations per mapping.",
                        SQS_SCALING,
                        READ),
                new Assumption(
                        PROVISIONED_PER_POLLER,
                        10,
                        "invocations per poller",
                        "In provisioned mode each event poller runs up to 10 concurrent invocations; pollers start "
                                + "at the minimum (2 by default, 200 the default maximum).",
                        POLLER_API,
                        READ),
                new Assumption(
                        PROVISIONED_RAMP,
                        1_000,
                        "invocations per minute",
                        "Provisioned pollers scale by up to 1,000 concurrent invocations a minute (3 times faster).",
                        PROVISIONED_BLOG,
                        READ),
                new Assumption(
                        PROVISIONED_MAX,
                        20_000,
                        "invocations",
                        "Provisioned mode reaches up to 20,000 concurrent invocations.",
                        PROVISIONED_BLOG,
                        READ),
                new Assumption(
                        FUNCTION_SCALING,
                        1_000,
                        "execution environments per 10 s",
                        "Each function gains at most 1,000 new execution environments every 10 seconds, refilled "
                                + "continuously; direct asynchronous invocations scale at this rate.",
                        SCALING,
                        READ),
                new Assumption(
                        GB_SECOND_ARM,
                        0.0000133334,
                        "USD per GB-second",
                        "Lambda duration, arm64, first pricing tier (us-east-1).",
                        LAMBDA_PRICING,
                        READ),
                new Assumption(
                        GB_SECOND_X86,
                        0.0000166667,
                        "USD per GB-second",
                        "Lambda duration, x86_64, first pricing tier (us-east-1).",
                        LAMBDA_PRICING,
                        READ),
                new Assumption(
                        LAMBDA_REQUESTS,
                        0.20,
                        "USD per million requests",
                        "Lambda requests; an asynchronous event up to 256 KB is one request.",
                        LAMBDA_PRICING,
                        READ),
                new Assumption(
                        SQS_REQUESTS,
                        0.40,
                        "USD per million requests",
                        "SQS standard queue requests (each 64 KB chunk of a request is one); the free tier is not "
                                + "counted.",
                        SQS_PRICING,
                        READ),
                new Assumption(
                        POLLER_HOUR,
                        0,
                        "USD per poller-hour",
                        "Provisioned pollers are billed by the hour on top; no price was given on the pages read, "
                                + "so 0 unless overridden.",
                        LAMBDA_PRICING,
                        READ),
                new Assumption(
                        SEND_RATE,
                        2_000,
                        "sub-tasks per second",
                        "How fast one splitting invocation queues sub-tasks (SendMessageBatch of 10, 8 calls in "
                                + "flight); locally measured at 8,375/s, taken lower for the network to SQS.",
                        "docs/performance.md (our benchmark)",
                        READ),
                new Assumption(
                        COLD_START,
                        1.1,
                        "seconds",
                        "Initialisation of a new execution environment of our function (the JVM, the engine, its "
                                + "clients); billed since 1 August 2025.",
                        "local runtime, Init Duration of the function's first container; "
                                + "https://aws.amazon.com/blogs/compute/aws-lambda-standardizes-billing-for-init-phase/",
                        READ));
        Map<String, Assumption> byKey = new LinkedHashMap<>();
        all.forEach(assumption -> byKey.put(assumption.key(), assumption));
        return new Assumptions(byKey);
    }

    /** These assumptions with {@code key} set to {@code value}; an unknown key is refused, naming the known ones. */
    public Assumptions with(String key, double value) {
        Assumption known = byKey.get(key);
        if (known == null) {
            throw new IllegalArgumentException("No assumption is called '" + key + "'; the known ones are "
                    + String.join(", ", byKey.keySet()) + ".");
        }
        Map<String, Assumption> copy = new LinkedHashMap<>(byKey);
        copy.put(key, known.overriddenWith(value));
        return new Assumptions(copy);
    }

    public double value(String key) {
        Assumption assumption = byKey.get(key);
        if (assumption == null) {
            throw new IllegalArgumentException("No assumption is called '" + key + "'");
        }
        return assumption.value();
    }

    public List<Assumption> all() {
        return new ArrayList<>(byKey.values());
    }
}
