package dev.loadsplitter.host;

import java.io.DataOutputStream;
import java.io.IOException;

/** The host's side of the socket: sends frames to the local runtime, one whole frame at a time. */
final class HostChannel {

    private final DataOutputStream out;

    HostChannel(DataOutputStream out) {
        this.out = out;
    }

    /** Sends a frame; when the runtime has gone, so does this JVM, as an execution environment does. */
    void send(HostFrame frame) {
        try {
            synchronized (out) {
                HostFrame.write(out, frame);
            }
        } catch (IOException e) {
            Runtime.getRuntime().halt(2);
        }
    }
}
