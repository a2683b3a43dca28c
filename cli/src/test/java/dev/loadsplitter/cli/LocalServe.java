package dev.loadsplitter.cli;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code load-splitter serve} running on a thread of the test, on free ports, until closed; stopping
 * it interrupts the thread, as Ctrl-C stops the command.
 *
 * @param thread the thread serve runs on
 * @param sqsPort the SQS endpoint's port
 * @param lambdaPort the Lambda Invoke API's port
 */
record LocalServe(Thread thread, int sqsPort, int lambdaPort, StringBuilder err) implements AutoCloseable {

    /** Starts {@code serve OPTIONS} on free ports and waits until both endpoints listen. */
    static LocalServe start(String... options) {
        int sqsPort = LocalPorts.free();
        int lambdaPort = LocalPorts.free();
        StringBuilder err = new StringBuilder();
        List<String> args = new ArrayList<>(List.of(
                "serve",
                "--sqs-port",
                Integer.toString(sqsPort),
                "--lambda-port",
                Integer.toString(lambdaPort),
                "--aws-port",
                Integer.toString(LocalPorts.free()),
                "--shutdown-grace",
                "5s"));
        args.addAll(List.of(options));
        Thread thread = Thread.ofPlatform().name("serve").start(() -> {
            RunCommandIT.Result result = RunCommandIT.cli(args.toArray(String[]::new));
            synchronized (err) {
                err.append(result.err());
            }
        });
        await("serve listening")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> LocalPorts.listening(lambdaPort) && LocalPorts.listening(sqsPort) || !thread.isAlive());
        if (!thread.isAlive()) {
            synchronized (err) {
                fail("serve did not start: " + err);
            }
        }
        return new LocalServe(thread, sqsPort, lambdaPort, err);
    }

    /** Interrupts serve and waits up to 20 s for it to stop. */
    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join(Duration.ofSeconds(20));
    }
}
