package dev.loadsplitter.sqs;

import java.net.BindException;
import java.util.Optional;

/**
 * A server of the local runtime could not listen on the address it was given: another process
 * listens on the port, or the host is on no interface here. Servers bind the port they are given at
 * once, never probing it first (another process could take it between the probe and the bind), and
 * throw this so a command can name the option that chose the port.
 */
public final class PortUnavailableException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String host;
    private final int port;
    private final String reason;

    /**
     * @param server what was to listen there, e.g. "the embedded SQS server"
     * @param reason the system's word for it, e.g. "Address already in use"
     */
    public PortUnavailableException(String server, String host, int port, String reason, Throwable cause) {
        super(
                "Could not start " + server + " on " + host + ":" + port + " (" + reason
                        + "). Is another process using that port? Pick another one.",
                cause);
        this.host = host;
        this.port = port;
        this.reason = reason;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The system's word for it, e.g. "Address already in use". */
    public String reason() {
        return reason;
    }

    /**
     * Why {@code failure} says the address could not be listened on, if it does: it is or was caused
     * by a {@link BindException}, or it is the SQS server's (Pekko's {@code BindFailedException}, whose
     * message names the {@code BindException} it had, without it as a cause).
     */
    public static Optional<String> bindFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException bind) {
                // The JDK's message may name the address first: "[/127.0.0.1:9324] Address already in use".
                return Optional.of(String.valueOf(bind.getMessage()).replaceFirst("^\\[[^]]*] ", ""));
            }
            String message = String.valueOf(cause.getMessage());
            int named = message.indexOf(PEKKO_PREFIX);
            if (cause.getClass().getName().equals(PEKKO_BIND_FAILED) && named >= 0) {
                // "Bind failed because of java.net.BindException: [/127.0.0.1:9324] Address already in use"
                return Optional.of(
                        message.substring(named + PEKKO_PREFIX.length()).replaceFirst("^\\[[^]]*] ", ""));
            }
        }
        return Optional.empty();
    }

    private static final String PEKKO_BIND_FAILED = "org.apache.pekko.stream.BindFailedException";
    private static final String PEKKO_PREFIX = BindException.class.getName() + ": ";
}
