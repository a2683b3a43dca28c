package dev.loadsplitter.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** The {@code load-splitter} command's entry point. */
public final class Main {

    /** Set when the CLI is its JVM's own program: serve then handles SIGTERM and Ctrl-C itself. */
    static final String SIGNALS = "load-splitter.signals";

    private Main() {}

    public static void main(String[] args) {
        System.setProperty(SIGNALS, "true");
        // Standard output carries results only (a response, a summary, JSON); every log line, the
        // function's own included, goes to standard error.
        PrintStream results = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        int code;
        try {
            code = LoadSplitterCli.commandLine(
                            new PrintWriter(results, true, StandardCharsets.UTF_8),
                            new PrintWriter(System.err, true, StandardCharsets.UTF_8))
                    .execute(args);
        } catch (OutOfMemoryError e) {
            // The heap filled before the heap guard could judge a collection, e.g. reading a huge event.
            System.err.println(RunCommand.heapAdvice(
                    "stopping", "the JVM heap is full (" + e.getMessage() + ")", args.length > 0 ? args[0] : "run"));
            System.err.flush();
            Runtime.getRuntime().halt(ExitCodes.HEAP_FULL);
            return;
        }
        results.flush();
        System.exit(code);
    }
}
