package dev.loadsplitter.bench.endpoint;

import dev.loadsplitter.engine.internal.config.AwsClients;
import dev.loadsplitter.local.aws.LocalAwsEndpoint;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Items a second the local DynamoDB endpoint takes from 64 SDK threads (one CRT client, as a
 * function JVM's containers share one), and the endpoint's own CPU per item: the endpoint runs in a
 * JVM of its own, whose CPU time is read before and after each round.
 *
 * <p>Scenarios: {@code put-one} and {@code put-many} are PutItems to ONE partition key with distinct
 * sort keys, or each to a partition key of its own; {@code tx-one} and {@code tx-many} the same as
 * two-item TransactWriteItems; {@code tx-hot} transactions that each add to one shared item and put
 * one of their own, as a job's sub-tasks count into the job (committed and cancelled counted apart).
 *
 * <p>It calls only {@code LocalAwsEndpoint.start(host, port, clock)} and the SDK, so the same program
 * measures an older build of the endpoint (put that build's {@code local} and {@code engine} classes first
 * on the class path); {@code window=DURATION} (e.g. {@code 10ms}) uses the newer settings API instead.
 *
 * <pre>
 * java -cp … dev.loadsplitter.bench.endpoint.EndpointThroughput threads=64 items=10000 rounds=3
 * </pre>
 */
public final class EndpointThroughput {

    private EndpointThroughput() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of(
                "threads", "64",
                "items", "10000",
                "rounds", "3",
                "scenarios", "put-one,put-many,tx-one,tx-many",
                "window", "",
                "unlimited", "false",
                "endpointjvm", ""));
        for (String arg : args) {
            String[] pair = arg.split("=", 2);
            if (pair.length != 2 || !options.containsKey(pair[0])) {
                throw new IllegalArgumentException(
                        "Unknown argument '" + arg + "'; expected one of " + options.keySet() + " as name=value");
            }
            options.put(pair[0], pair[1]);
        }
        int threads = Integer.parseInt(options.get("threads"));
        int items = Integer.parseInt(options.get("items"));
        int rounds = Integer.parseInt(options.get("rounds"));
        List<String> server = new ArrayList<>(List.of(
                Path.of(ProcessHandle.current().info().command().orElseThrow()).toString(), "-Xmx1g"));
        if (!options.get("endpointjvm").isEmpty()) {
            server.addAll(Arrays.asList(options.get("endpointjvm").split(" ")));
        }
        server.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                Server.class.getName(),
                options.get("window"),
                options.get("unlimited")));
        Process endpoint = new ProcessBuilder(server)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(endpoint.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            while (line != null && !line.startsWith("URL ")) {
                line = out.readLine();
            }
            if (line == null) {
                throw new IllegalStateException("The endpoint's JVM ended before it served");
            }
            URI url = URI.create(line.substring(4));
            Thread.ofVirtual().start(() -> out.lines().forEach(ignored -> {}));
            measure(url, endpoint.toHandle(), options, threads, items, rounds);
        } finally {
            endpoint.destroy();
        }
    }

    /** The endpoint in a JVM of its own: prints its URL, serves until its input ends. */
    public static final class Server {
        public static void main(String[] args) throws Exception {
            AutoCloseable endpoint;
            URI url;
            if (!args[0].isEmpty()) {
                NewEndpoint started = NewEndpoint.start(duration(args[0]), Boolean.parseBoolean(args[1]));
                endpoint = started.endpoint();
                url = started.url();
            } else {
                LocalAwsEndpoint started = LocalAwsEndpoint.start("127.0.0.1", 0, Clock.systemUTC());
                endpoint = started;
                url = started.url();
            }
            System.out.println("URL " + url);
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the bench ends
            }
            endpoint.close();
        }
    }

    /** {@code 10ms}, {@code 2s}, {@code 0s}. */
    private static Duration duration(String text) {
        return text.endsWith("ms")
                ? Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)))
                : Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
    }

    /** The newer endpoint's settings API, in a class of its own so an older build never loads it. */
    private record NewEndpoint(AutoCloseable endpoint, URI url) {
        static NewEndpoint start(Duration window, boolean unlimited) {
            dev.loadsplitter.local.aws.LocalAwsSettings settings =
                    dev.loadsplitter.local.aws.LocalAwsSettings.defaults().withTransactionWindow(window);
            if (unlimited) {
                settings = settings.withItemCapacity(dev.loadsplitter.local.aws.ItemCapacity.unlimited());
            }
            LocalAwsEndpoint endpoint = LocalAwsEndpoint.start(
                    "127.0.0.1", 0, Clock.systemUTC(), settings, dev.loadsplitter.local.fault.CallFaults.NONE);
            return new NewEndpoint(endpoint, endpoint.url());
        }
    }

    private record Round(double itemsPerSecond, double cpuMicrosPerItem, double cancelledShare) {}

    private static void measure(
            URI url, ProcessHandle endpoint, Map<String, String> options, int threads, int items, int rounds)
            throws Exception {
        try (DynamoDbClient dynamo = AwsClients.dynamoDb(Map.of(
                "AWS_ENDPOINT_URL_DYNAMODB", url.toString(),
                "AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "load-splitter-local",
                "AWS_SECRET_ACCESS_KEY", "local"))) {
            List<String> scenarios = Arrays.asList(options.get("scenarios").split(","));
            AtomicInteger tables = new AtomicInteger();
            // A full warm-up round of every scenario (the JIT compiles on the endpoint JVM's CPU), then the rounds,
            // interleaved, so JIT warm-up favours none.
            for (String scenario : scenarios) {
                run(dynamo, endpoint, scenario, "warm-" + tables.incrementAndGet(), threads, items);
            }
            Map<String, List<Round>> results = new LinkedHashMap<>();
            for (int round = 0; round < rounds; round++) {
                for (String scenario : scenarios) {
                    Round result = run(dynamo, endpoint, scenario, "t-" + tables.incrementAndGet(), threads, items);
                    results.computeIfAbsent(scenario, s -> new ArrayList<>()).add(result);
                    System.err.printf(
                            Locale.ROOT,
                            "endpoint bench: %s round %d: %,.0f items/s, %.0f µs endpoint CPU per item, %.1f %% "
                                    + "cancelled%n",
                            scenario,
                            round,
                            result.itemsPerSecond(),
                            result.cpuMicrosPerItem(),
                            100 * result.cancelledShare());
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "| scenario (%d threads, %,d items, window %s) | items/s | endpoint CPU µs/item | cancelled |%n",
                    threads,
                    items,
                    options.get("window").isEmpty() ? "default" : options.get("window"));
            System.out.println("|---|---:|---:|---:|");
            results.forEach((scenario, values) -> System.out.printf(
                    Locale.ROOT,
                    "| %s | %,.0f | %.0f | %.1f %% |%n",
                    scenario,
                    median(values.stream().map(Round::itemsPerSecond).toList()),
                    median(values.stream().map(Round::cpuMicrosPerItem).toList()),
                    100 * median(values.stream().map(Round::cancelledShare).toList())));
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static long cpuNanos(ProcessHandle endpoint) {
        return endpoint.info().totalCpuDuration().orElseThrow().toNanos();
    }

    /** Writes {@code items} items in the scenario's shape from {@code threads} threads. */
    private static Round run(
            DynamoDbClient dynamo, ProcessHandle endpoint, String scenario, String table, int threads, int items)
            throws Exception {
        dynamo.createTable(r -> r.tableName(table)
                .billingMode("PAY_PER_REQUEST")
                .keySchema(
                        k -> k.attributeName("pk").keyType("HASH"),
                        k -> k.attributeName("sk").keyType("RANGE"))
                .attributeDefinitions(
                        a -> a.attributeName("pk").attributeType("S"),
                        a -> a.attributeName("sk").attributeType("S")));
        boolean onePartition = !scenario.endsWith("-many");
        boolean transactions = scenario.startsWith("tx-");
        boolean hot = scenario.equals("tx-hot");
        int calls = transactions ? items / 2 : items;
        AtomicInteger next = new AtomicInteger();
        AtomicLong cancelled = new AtomicLong();
        long cpu = cpuNanos(endpoint);
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < calls; i = next.getAndIncrement()) {
                        try {
                            write(dynamo, table, onePartition, transactions, hot, i);
                        } catch (TransactionCanceledException e) {
                            cancelled.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuMicros = (cpuNanos(endpoint) - cpu) / 1e3;
        int written = transactions ? calls * 2 : calls;
        return new Round(
                (transactions ? (calls - cancelled.get()) * 2 : calls) / seconds,
                cpuMicros / written,
                (double) cancelled.get() / calls);
    }

    private static void write(
            DynamoDbClient dynamo, String table, boolean onePartition, boolean transaction, boolean hot, int i) {
        if (!transaction) {
            dynamo.putItem(r -> r.tableName(table).item(item(onePartition, i, "a")));
            return;
        }
        if (hot) {
            dynamo.transactWriteItems(r -> r.transactItems(
                    t -> t.update(u -> u.tableName(table)
                            .key(Map.of("pk", AttributeValue.fromS("job-1"), "sk", AttributeValue.fromS("job")))
                            .updateExpression("ADD #n :one")
                            .expressionAttributeNames(Map.of("#n", "processed"))
                            .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1")))),
                    t -> t.put(p -> p.tableName(table).item(item(true, i, "a")))));
            return;
        }
        dynamo.transactWriteItems(r -> r.transactItems(
                t -> t.put(p -> p.tableName(table).item(item(onePartition, i, "a"))),
                t -> t.put(p -> p.tableName(table).item(item(onePartition, i, "b")))));
    }

    private static Map<String, AttributeValue> item(boolean onePartition, int i, String suffix) {
        return Map.of(
                "pk", AttributeValue.fromS(onePartition ? "job-1" : "job-" + i + suffix),
                "sk", AttributeValue.fromS(onePartition ? "part-" + i + suffix : "0"),
                "state", AttributeValue.fromS("DONE"),
                "items", AttributeValue.fromN("1"));
    }
}
