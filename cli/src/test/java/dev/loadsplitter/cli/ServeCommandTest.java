package dev.loadsplitter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadsplitter.sqs.PortUnavailableException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve --host}: any address but a loopback one is said to be open to whoever can reach it. */
class ServeCommandTest {

    @Test
    void aNonLoopbackAddressIsWarnedOfAndLoopbackAddressesAreNot() {
        assertThat(ServeCommand.exposureWarning("127.0.0.1")).isEmpty();
        assertThat(ServeCommand.exposureWarning("127.0.0.2")).isEmpty();
        assertThat(ServeCommand.exposureWarning("localhost")).isEmpty();
        assertThat(ServeCommand.exposureWarning("::1")).isEmpty();

        assertThat(ServeCommand.exposureWarning("0.0.0.0"))
                .contains("load-splitter: warning: --host 0.0.0.0 is not a loopback address. The SQS, Lambda and "
                        + "DynamoDB/EventBridge endpoints check no credentials, so anyone who can reach 0.0.0.0 can "
                        + "send and read messages, read the function's records, and invoke the function, which runs "
                        + "with the environment given by --env. Use --host 127.0.0.1 (the default) unless other "
                        + "machines must reach it, and then only on a network you trust.");
        assertThat(ServeCommand.exposureWarning("192.168.1.10")).isPresent();
        assertThat(ServeCommand.exposureWarning("::")).isPresent();
    }

    @Test
    void serveWarnsBeforeItListensOnANonLoopbackAddress() {
        // 192.0.2.1 (TEST-NET-1) is on no interface here: serve warns, then cannot listen, and nothing is exposed.
        RunCommandIT.Result result = RunCommandIT.cli("serve", "--host", "192.0.2.1", "--sqs-port", "19999");

        assertThat(result.err()).contains("load-splitter: warning: --host 192.0.2.1 is not a loopback address.");
        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void serveOnLoopbackSaysNothingOfIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            RunCommandIT.Result result = RunCommandIT.cli(
                    "serve", "--host", "127.0.0.1", "--sqs-port", Integer.toString(taken.getLocalPort()));

            assertThat(result.err()).doesNotContain("warning: --host").contains("Cannot listen on 127.0.0.1:");
            assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        }
    }

    @Test
    void aBusyLambdaOrAwsPortIsAUsageErrorNamingItsOption() throws Exception {
        for (String option : new String[] {"--lambda-port", "--aws-port"}) {
            try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = taken.getLocalPort();
                RunCommandIT.Result result = RunCommandIT.cli("serve", option, Integer.toString(port));

                assertThat(result.exitCode()).as(option).isEqualTo(ExitCodes.USAGE);
                assertThat(result.err())
                        .as(option)
                        .contains("Cannot listen on 127.0.0.1:" + port + " (Address already in use): another "
                                + "process, perhaps another 'load-splitter serve', uses it. Stop it, or pick another "
                                + "port with " + option + ".");
            }
        }
    }

    @Test
    void aPortTwoOptionsChoseNamesBoth() {
        UsageException error = ServeCommand.portUnavailable(
                new PortUnavailableException(
                        "the Lambda API", "127.0.0.1", 9001, "Address in use", new BindException("Address in use")),
                Map.of("--sqs-port", 9324, "--lambda-port", 9001, "--aws-port", 9001));

        assertThat(error)
                .hasMessage("Cannot listen on 127.0.0.1:9001 (Address in use): another process, perhaps another "
                        + "'load-splitter serve', uses it. Stop it, or pick another port with --aws-port or "
                        + "--lambda-port.");
    }

    @Test
    void aBusySqsPortOfADurableServeIsAUsageErrorNamingItsOption(@TempDir Path data) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            RunCommandIT.Result result =
                    RunCommandIT.cli("serve", "--data-dir", data.toString(), "--sqs-port", Integer.toString(port));

            assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(result.err())
                    .contains("Cannot listen on 127.0.0.1:" + port + " (Address already in use)")
                    .contains("pick another port with --sqs-port.");
        }
    }
}
