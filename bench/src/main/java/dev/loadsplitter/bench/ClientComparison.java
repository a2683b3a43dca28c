package dev.loadsplitter.bench;

import dev.loadsplitter.engine.internal.queue.QueueAddress;
import dev.loadsplitter.engine.internal.queue.SenderSettings;
import dev.loadsplitter.engine.internal.queue.SqsSubTaskSender;
import dev.loadsplitter.engine.internal.time.Sleeper;
import dev.loadsplitter.engine.message.SubTask;
import dev.loadsplitter.engine.task.WorkContext;
import dev.loadsplitter.sqs.EmbeddedSqs;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * HTTP clients on the split path: the same 10,000 sub-tasks sent by the same sender (8 calls in
 * flight, virtual threads) over each synchronous HTTP client, and each client's build and first
 * call in a fresh JVM.
 */
final class ClientComparison {

    private final Measurements measurements;

    ClientComparison(Measurements measurements) {
        this.measurements = measurements;
    }

    void measure(EmbeddedSqs sqs) throws Exception {
        // url-connection keeps 5 idle connections per host unless told otherwise; give it a pool like the others'.
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", "64");
        }
        List<SubTask> subTasks = Events.oneTagSubTasks(10_000);
        String classpath = System.getProperty("java.class.path");
        Map<String, Harness.Timed> sends = new LinkedHashMap<>();
        Map<String, Harness.Timed> colds = new LinkedHashMap<>();
        for (String name : HttpClients.NAMES) {
            sends.put(
                    name,
                    () -> Harness.onFreshQueue(sqs, "client", queues -> {
                        try (SqsClient client =
                                        HttpClients.sqs(name, sqs.endpoint().toString());
                                ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
                            var sender = new SqsSubTaskSender(
                                    client,
                                    QueueAddress.ofUrl(queues.url()),
                                    SenderSettings.defaultSettings(),
                                    executor,
                                    Sleeper.system(),
                                    Clock.systemUTC());
                            client.listQueues(); // a warm container has its connections
                            long start = System.nanoTime();
                            sender.send(subTasks, new WorkContext("clients", "", "bench"));
                            return (System.nanoTime() - start) / 1e6;
                        }
                    }));
            colds.put(
                    name,
                    () -> ColdStart.probe(
                            classpath, "sdk-" + name, sqs.endpoint().toString()));
        }
        for (int inFlight : List.of(8, 32)) {
            sends.put(
                    "crt-async-" + inFlight,
                    () -> Harness.onFreshQueue(sqs, "client", queues -> {
                        try (var client = AsyncCrtSender.client(sqs.endpoint().toString())) {
                            client.listQueues().join(); // a warm container has its connections
                            long start = System.nanoTime();
                            AsyncCrtSender.send(client, queues.url(), subTasks, inFlight);
                            return (System.nanoTime() - start) / 1e6;
                        }
                    }));
        }
        colds.put(
                "crt-async",
                () -> ColdStart.probe(classpath, "sdk-crt-async", sqs.endpoint().toString()));
        Map<String, Double> sent = Harness.interleaved(3, sends);
        Map<String, Double> cold = Harness.interleaved(5, colds);
        sends.keySet().forEach(name -> {
            double millis = sent.get(name);
            String label = name.startsWith("crt-async-")
                    ? "crt-async: send 10,000 sub-tasks, " + name.substring(10) + " in flight"
                    : name + ": send 10,000 sub-tasks, 8 in flight";
            measurements.add(
                    "clients",
                    label,
                    Measurements.perSecond(10_000 / (millis / 1000)),
                    Measurements.millis(millis)
                            + (name.startsWith("crt-async-")
                                    ? " median of 3, SqsAsyncClient, own batching"
                                    : " median of 3, the function's sender on virtual threads"),
                    "client_" + name.replace('-', '_') + "_per_s",
                    10_000 / (millis / 1000));
        });
        colds.keySet()
                .forEach(name -> measurements.add(
                        "clients",
                        name + ": fresh JVM to first call",
                        Measurements.millis(cold.get(name)),
                        "median of 5, interleaved, the bench's class path",
                        "client_" + name.replace('-', '_') + "_cold_ms",
                        cold.get(name)));
    }
}
