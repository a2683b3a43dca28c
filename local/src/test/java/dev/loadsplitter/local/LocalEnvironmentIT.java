package dev.loadsplitter.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loadsplitter.local.container.FunctionLog;
import dev.loadsplitter.local.container.InvocationListener;
import dev.loadsplitter.local.container.Isolation;
import dev.loadsplitter.local.esm.EsmSettings;
import dev.loadsplitter.local.fault.FaultPlan;
import dev.loadsplitter.local.invoke.AsyncSettings;
import dev.loadsplitter.local.report.RunSummary;
import dev.loadsplitter.local.testfunction.FunctionJars;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the whole local system starts, how the function reaches it, what a failed start leaves behind, and
 * what it tells of a run's dead letters.
 */
class LocalEnvironmentIT {

    private static final String PROBE = "dev.loadsplitter.local.testfunction.ProbeHandler";

    @TempDir
    static Path dir;

    private static Path jar;

    @BeforeAll
    static void pack() {
        jar = FunctionJars.probeJar(dir);
    }

    private static LocalSettings settings(
            String handler,
            Map<String, String> environment,
            FaultPlan faults,
            double sqsFaultRate,
            int sqsPort,
            int awsPort) {
        return new LocalSettings(
                jar,
                "probe",
                handler,
                512,
                Duration.ofSeconds(10),
                20,
                environment,
                Duration.ofSeconds(60),
                3,
                new EsmSettings(1, Duration.ZERO, 10, true, false),
                "127.0.0.1",
                sqsPort,
                awsPort,
                AsyncSettings.lambdaDefaults(Duration.ofMillis(10), AsyncSettings.DEFAULT_MAX_EVENT_AGE),
                faults,
                sqsFaultRate,
                Optional.empty(),
                Isolation.NONE);
    }

    @Test
    void aStartThatFailsLateClosesEverythingItHadStarted() throws IOException {
        int sqsPort = freePort();
        int awsPort = freePort();
        Set<Integer> listeningBefore = ListeningPorts.ofThisProcess();
        // Everything is up (SQS, the DynamoDB/EventBridge endpoint, the self-invoke endpoint, the SQS fault
        // proxy) when the last step, the function's containers, refuses a handler that cannot run in this JVM.
        LocalSettings settings = settings(
                "dev.loadsplitter.local.testfunction.BrokenHandler",
                Map.of("DISPATCH", "invoke"),
                FaultPlan.none(),
                0.5,
                sqsPort,
                awsPort);

        assertThatThrownBy(() -> LocalEnvironment.start(settings, InvocationListener.none(), FunctionLog.none()))
                .hasMessageContaining("cannot run with --isolation none");

        assertThat(canBind(sqsPort)).as("the SQS server's port is free again").isTrue();
        assertThat(canBind(awsPort))
                .as("the DynamoDB/EventBridge endpoint's port is free again")
                .isTrue();
        if (ListeningPorts.known()) {
            assertThat(ListeningPorts.ofThisProcess())
                    .as("no socket of this JVM listens any more: the proxy and the self-invoke endpoint are closed")
                    .isSubsetOf(listeningBefore);
        }
    }

    @Test
    void theSelfInvokeEndpointIsBoundBeforeTheFunctionIsToldItsAddress() throws Exception {
        try (LocalEnvironment environment = LocalEnvironment.start(
                settings(PROBE, Map.of("DISPATCH", "invoke"), FaultPlan.none(), 0, 0, 0),
                InvocationListener.none(),
                FunctionLog.none())) {
            String endpoint = environment.function().function().environment().get("AWS_ENDPOINT_URL_LAMBDA");

            HttpResponse<String> dryRun = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(endpoint + "/2015-03-31/functions/probe/invocations"))
                                    .header("X-Amz-Invocation-Type", "DryRun")
                                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());

            assertThat(dryRun.statusCode())
                    .as("the runtime's own Lambda endpoint answers there")
                    .isEqualTo(204);
        }
    }

    @Test
    void theFunctionReachesSqsThroughTheFaultProxyWhenAFaultInsideItIsPlanned() {
        FaultPlan faults = FaultPlan.none().withCalls(new FaultPlan.CallRates(0, 0.1, 0, 0));
        try (LocalEnvironment withFaults = LocalEnvironment.start(
                        settings(PROBE, Map.of(), faults, 0, 0, 0), InvocationListener.none(), FunctionLog.none());
                LocalEnvironment without = LocalEnvironment.start(
                        settings(PROBE, Map.of(), FaultPlan.none(), 0, 0, 0),
                        InvocationListener.none(),
                        FunctionLog.none())) {
            assertThat(withFaults.sqsFaultProxy()).isPresent();
            assertThat(withFaults.function().function().environment().get("AWS_ENDPOINT_URL_SQS"))
                    .isEqualTo(
                            withFaults.sqsFaultProxy().orElseThrow().endpoint().toString());
            assertThat(withFaults.callFaults()).isSameAs(withFaults.function().callFaults());
            assertThat(without.sqsFaultProxy()).isEmpty();
            assertThat(without.function().function().environment().get("AWS_ENDPOINT_URL_SQS"))
                    .isEqualTo(without.sqs().endpoint().toString());
        }
    }

    @Test
    void aDeadLetterOfAnotherFunctionIsCountedAndLeftWhereItIs() throws Exception {
        try (LocalEnvironment environment = LocalEnvironment.start(
                settings(PROBE, Map.of(), FaultPlan.none(), 0, 0, 0), InvocationListener.none(), FunctionLog.none())) {
            assertThat(environment.awaitDrained(Duration.ofSeconds(10))).isTrue();
            assertThat(environment.deadLettered()).isZero();
            assertThat(environment.deadLetters()).isEmpty();

            String id = environment
                    .sqs()
                    .client()
                    .sendMessage(request ->
                            request.queueUrl(environment.queues().dlqUrl()).messageBody("{}"))
                    .messageId();

            assertThat(environment.deadLettered()).isEqualTo(1);
            assertThat(environment.deadLetters())
                    .as("a message without our attributes: one item, where in the job unknown")
                    .containsExactly(new RunSummary.DeadLetter(id, -1, 1));
            assertThat(environment.isDrained())
                    .as("only our handler's dead letters are waited for")
                    .isTrue();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort() == port;
        } catch (IOException e) {
            return false;
        }
    }

    /** The TCP ports this process listens on, from Linux's /proc: its socket inodes in the LISTEN state. */
    static final class ListeningPorts {

        static boolean known() {
            return Files.isDirectory(Path.of("/proc/self/fd")) && Files.isReadable(Path.of("/proc/net/tcp"));
        }

        static Set<Integer> ofThisProcess() {
            if (!known()) {
                return Set.of();
            }
            Set<String> inodes = new HashSet<>();
            try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
                for (Path descriptor : descriptors.toList()) {
                    try {
                        String target = Files.readSymbolicLink(descriptor).toString();
                        if (target.startsWith("socket:[")) {
                            inodes.add(target.substring("socket:[".length(), target.length() - 1));
                        }
                    } catch (IOException gone) {
                        // Closed while listing.
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Set<Integer> ports = new HashSet<>();
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                try {
                    for (String line :
                            Files.readAllLines(Path.of(table)).stream().skip(1).toList()) {
                        String[] fields = line.trim().split("\\s+");
                        boolean listening = fields[3].equals("0A");
                        if (listening && inodes.contains(fields[9])) {
                            String local = fields[1];
                            ports.add(Integer.parseInt(local.substring(local.indexOf(':') + 1), 16));
                        }
                    }
                } catch (IOException e) {
                    // No IPv6 here.
                }
            }
            return ports;
        }
    }
}
