package dev.loadsplitter.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadsplitter.engine.TaskTypes;
import dev.loadsplitter.engine.config.Settings;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.engine.task.Reading;
import dev.loadsplitter.engine.task.TaskType;
import dev.loadsplitter.local.forecast.Assumption;
import dev.loadsplitter.local.forecast.Assumptions;
import dev.loadsplitter.local.forecast.Delivery;
import dev.loadsplitter.local.forecast.FanOutSimulation;
import dev.loadsplitter.local.forecast.ForecastSettings;
import dev.loadsplitter.local.forecast.Prediction;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code load-splitter forecast EVENT_FILE}: time and cost of a fan-out on AWS, per dispatch path, before deploying. */
@Command(
        name = "forecast",
        mixinStandardHelpOptions = true,
        description = "Predicts how a fan-out of EVENT_FILE would run on AWS with the settings you would deploy: wall "
                + "time, peak concurrency, invocations, GB-seconds, requests and cost in USD, through SQS (standard "
                + "mapping), SQS in provisioned mode, and direct asynchronous invocations. A simulation of AWS's "
                + "documented scaling rules and list prices, each printed with its source; override any with --assume.")
final class ForecastCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(
            paramLabel = "EVENT_FILE",
            arity = "0..1",
            description = "The event; its items are counted by the function's task type (or give --items).")
    Path eventFile;

    @Option(names = "--items", paramLabel = "N", description = "Items in the event, instead of counting EVENT_FILE's.")
    Long items;

    @Option(names = "--delay", paramLabel = "DURATION", description = "Work per item (default: ${DEFAULT-VALUE}).")
    Duration delay = Duration.ofSeconds(5);

    @Option(
            names = "--from-run",
            paramLabel = "FILE",
            description =
                    "A 'run --json' summary: the work per item is its measured serialEstimateMs / itemsProcessed.")
    Path fromRun;

    @Option(names = "--memory", paramLabel = "MB", description = "The function's memory (default: ${DEFAULT-VALUE}).")
    int memoryMb = 1024;

    @Option(
            names = "--architecture",
            paramLabel = "arm64|x86_64",
            description = "The function's architecture (default: ${DEFAULT-VALUE}).")
    String architecture = "arm64";

    @Option(
            names = "--maximum-concurrency",
            paramLabel = "N",
            description = "The SQS mapping's maximum concurrency, 2 to 1000 (default: the Terraform default, "
                    + "${DEFAULT-VALUE}; 0 for none).")
    int maximumConcurrency = 100;

    @Option(
            names = "--reserved-concurrency",
            paramLabel = "N",
            description = "The function's reserved concurrency (default: none).")
    int reservedConcurrency;

    @Option(
            names = "--account-concurrency",
            paramLabel = "N",
            description = "The account's concurrency limit in the region (default: ${DEFAULT-VALUE}, a new account's).")
    int accountConcurrency = 1_000;

    @Option(
            names = "--batch-size",
            paramLabel = "N",
            description = "Records per invocation (default: ${DEFAULT-VALUE}).")
    int batchSize = 1;

    @Option(names = "--max-items-per-task", paramLabel = "K", description = "K (default: ${DEFAULT-VALUE}).")
    int maxItemsPerTask = 1;

    @Option(
            names = "--fan-out-limit",
            paramLabel = "N",
            description = "The most sub-tasks one invocation queues (default: the engine's, ${DEFAULT-VALUE}).")
    int fanOutLimit = Integer.parseInt(Settings.FAN_OUT_LIMIT.defaultValue());

    @Option(
            names = "--minimum-pollers",
            paramLabel = "N",
            description = "Provisioned mode's minimum pollers, 2 to 200 (default: 2). Setting pollers deploys "
                    + "provisioned mode, which excludes --maximum-concurrency.")
    Integer minimumPollers;

    @Option(
            names = "--maximum-pollers",
            paramLabel = "N",
            description = "Provisioned mode's maximum pollers, up to 2000 (default: 200).")
    Integer maximumPollers;

    @Option(
            names = "--assume",
            paramLabel = "KEY=VALUE",
            description = "Override a rule or price, e.g. --assume lambda.coldStartSeconds=0.4; repeatable.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(
            names = "--assumptions-file",
            paramLabel = "FILE",
            description = "Overrides as KEY=VALUE lines (a properties file); --assume wins over it.")
    Path assumptionsFile;

    @Option(names = "--function-jar", paramLabel = "JAR", description = "Whose task type counts the items.")
    Path functionJar;

    @Option(names = "--json", description = "Print the forecast as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Assumptions assumptions = assumptions();
        ForecastSettings settings;
        try {
            boolean provisioned = minimumPollers != null || maximumPollers != null;
            boolean explicitMaximum = spec.commandLine().getParseResult().hasMatchedOption("--maximum-concurrency");
            settings = new ForecastSettings(
                    items(),
                    secondsPerItem(),
                    memoryMb,
                    architecture,
                    provisioned && !explicitMaximum ? 0 : maximumConcurrency,
                    reservedConcurrency,
                    accountConcurrency,
                    batchSize,
                    Integer.parseInt(Settings.RECORD_CONCURRENCY.defaultValue()),
                    maxItemsPerTask,
                    fanOutLimit,
                    minimumPollers != null ? minimumPollers : 2,
                    maximumPollers != null ? maximumPollers : 200,
                    provisioned);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage() + ".");
        }
        FanOutSimulation simulation = new FanOutSimulation(settings, assumptions);
        Map<Delivery, Prediction> predictions = new EnumMap<>(Delivery.class);
        for (Delivery dispatch : Delivery.values()) {
            predictions.put(dispatch, simulation.predict(dispatch));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(settings, predictions, assumptions));
        } else {
            out.print(table(settings, predictions, assumptions));
        }
        out.flush();
        return ExitCodes.OK;
    }

    private Assumptions assumptions() throws IOException {
        Map<String, String> all = new LinkedHashMap<>();
        if (assumptionsFile != null) {
            Properties file = new Properties();
            try (var reader = Files.newBufferedReader(assumptionsFile)) {
                file.load(reader);
            }
            file.stringPropertyNames().forEach(key -> all.put(key, file.getProperty(key)));
        }
        all.putAll(overrides);
        Assumptions assumptions = Assumptions.defaults();
        for (Map.Entry<String, String> entry : all.entrySet()) {
            try {
                assumptions = assumptions.with(entry.getKey(), Double.parseDouble(entry.getValue()));
            } catch (NumberFormatException e) {
                throw new UsageException(
                        "--assume " + entry.getKey() + "=" + entry.getValue() + ": the value must be " + "a number.");
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        return assumptions;
    }

    private double secondsPerItem() throws IOException {
        if (fromRun == null) {
            return delay.toNanos() / 1e9;
        }
        JsonNode run = new ObjectMapper().readTree(fromRun.toFile());
        long processed = run.path("itemsProcessed").asLong(0);
        if (!run.has("serialEstimateMs") || processed == 0) {
            throw new UsageException(fromRun + " is not a 'run --json' summary with items processed; make one with "
                    + "'load-splitter run --json EVENT_FILE > run.json'.");
        }
        return run.get("serialEstimateMs").asDouble() / processed / 1000;
    }

    private long items() throws IOException {
        if (items != null) {
            return items;
        }
        if (eventFile == null) {
            throw new UsageException("Give EVENT_FILE, or the number of items with --items N.");
        }
        JsonNode event = EventJson.shared().readTree(Events.read(eventFile));
        Path jar = functionJar != null ? functionJar : FunctionOptions.defaultJar();
        if (!Files.isRegularFile(jar)) {
            throw new UsageException("Cannot count the items of " + eventFile + ": the function jar " + jar
                    + " is missing. Give --items N, or --function-jar.");
        }
        try (URLClassLoader loader =
                new URLClassLoader(new URL[] {jar.toUri().toURL()}, ForecastCommand.class.getClassLoader())) {
            return count(TaskTypes.find(Map.of(), loader), event);
        }
    }

    private <T> long count(TaskType<T> type, JsonNode event) {
        return switch (type.read(event)) {
            case Reading.Accepted<T> accepted -> type.itemCount(accepted.task());
            case Reading.Ignored<T> ignored ->
                throw new UsageException(type.name() + " ignores " + eventFile + " (" + ignored.reason()
                        + "): nothing would fan out. Give --items N to forecast anyway.");
            case Reading.Invalid<T> invalid ->
                throw new UsageException(eventFile + " is not a valid " + type.name() + " event: " + invalid.describe()
                        + ". Give --items N to forecast anyway.");
        };
    }

    static ObjectNode toJson(
            ForecastSettings settings, Map<Delivery, Prediction> predictions, Assumptions assumptions) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode node = mapper.createObjectNode();
        node.put("items", settings.items());
        node.put("serialSeconds", round(settings.items() * settings.secondsPerItem()));
        ObjectNode dispatch = node.putObject("dispatch");
        predictions.forEach((path, prediction) -> {
            ObjectNode one = dispatch.putObject(path.key());
            one.put("wallSeconds", round(prediction.wallSeconds()));
            one.put("peakConcurrency", prediction.peakConcurrency());
            one.put("invocations", prediction.invocations());
            one.put("coldStarts", prediction.coldStarts());
            one.put("gbSeconds", round(prediction.gbSeconds()));
            one.put("lambdaRequests", prediction.lambdaRequests());
            one.put("sqsRequests", prediction.sqsRequests());
            one.put("costUsd", Math.round(prediction.costUsd() * 1e6) / 1e6);
        });
        ArrayNode list = node.putArray("assumptions");
        for (Assumption assumption : assumptions.all()) {
            list.addObject()
                    .put("key", assumption.key())
                    .put("value", assumption.value())
                    .put("unit", assumption.unit())
                    .put("description", assumption.description())
                    .put("source", assumption.source())
                    .put("read", assumption.read().toString());
        }
        return node;
    }

    private static String table(
            ForecastSettings settings, Map<Delivery, Prediction> predictions, Assumptions assumptions) {
        StringBuilder text = new StringBuilder(String.format(
                Locale.ROOT,
                "Forecast for %,d items × %.2f s (%,.0f s of work in one invocation), %d MB %s:%n%n",
                settings.items(),
                settings.secondsPerItem(),
                settings.items() * settings.secondsPerItem(),
                settings.memoryMb(),
                settings.architecture()));
        text.append(String.format(
                Locale.ROOT,
                "%-16s %10s %6s %12s %12s %10s %12s %10s%n",
                "dispatch",
                "wall",
                "peak",
                "invocations",
                "GB-seconds",
                "Lambda req",
                "SQS req",
                "cost USD"));
        predictions.forEach((path, p) -> text.append(String.format(
                Locale.ROOT,
                "%-16s %9.1fs %6d %,12d %,12.0f %,10d %,12d %10.4f%n",
                path.key(),
                p.wallSeconds(),
                p.peakConcurrency(),
                p.invocations(),
                p.gbSeconds(),
                p.lambdaRequests(),
                p.sqsRequests(),
                p.costUsd())));
        text.append(System.lineSeparator())
                .append("Assumptions (override with --assume KEY=VALUE):")
                .append(System.lineSeparator());
        for (Assumption a : assumptions.all()) {
            text.append(String.format(
                    Locale.ROOT,
                    "  %-38s %-14s %s%n  %-38s %s (read %s)%n",
                    a.key(),
                    stripZeros(a.value()),
                    a.unit(),
                    "",
                    a.source(),
                    a.read()));
        }
        return text.toString();
    }

    private static String stripZeros(double value) {
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
