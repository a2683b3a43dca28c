package dev.loadsplitter.local.aws;

import dev.loadsplitter.local.fault.CallFaults;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A local AWS endpoint in a JVM of its own, keeping its data in the directory its argument names:
 * prints {@code URL <url>} once it serves, and serves until it is killed or its input ends.
 */
public final class EndpointProcess {

    private EndpointProcess() {}

    public static void main(String[] args) throws IOException {
        LocalAwsEndpoint endpoint = LocalAwsEndpoint.start(
                "127.0.0.1",
                0,
                Clock.systemUTC(),
                LocalAwsSettings.defaults()
                        .withDataDirectory(Path.of(args[0]))
                        .withItemCapacity(ItemCapacity.unlimited()),
                CallFaults.NONE);
        System.out.println("URL " + endpoint.url());
        System.out.flush();
        while (System.in.read() >= 0) {
            // serve until the parent closes our input, or kills us
        }
        endpoint.close();
    }
}
