package dev.loadsplitter.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Checks that a port can be listened on before a server is started on it, so a busy port is one clear line. */
final class Ports {

    private Ports() {}

    /**
     * @param option the option that chooses the port, named in the message
     * @throws UsageException naming the address and the option when the port is taken
     */
    static void requireFree(String host, int port, String option) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new UsageException("Cannot listen on " + host + ":" + port + " (" + e.getMessage() + "): another "
                    + "process, perhaps another 'load-splitter serve', uses it. Stop it, or pick another port with "
                    + option + ".");
        }
    }
}
