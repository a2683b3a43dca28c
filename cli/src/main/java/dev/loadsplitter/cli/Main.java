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
        HeapAdvice heapAdvice = HeapAdvice.of(args.length > 0 ? args[0] : "run");
        // Any other thread's too, ElasticMQ's among them (it hands its OutOfMemoryError here rather than
        // exit with 255), and before the heap guard hears of the collections that led to it.
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
            if (error instanceof OutOfMemoryError full) {
                stopForFullHeap(full, heapAdvice);
            } else {
                // What the JVM prints when no handler is set (ThreadGroup.uncaughtException).
                System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                error.printStackTrace(System.err);
            }
        });
        int code;
        try {
            code = LoadSplitterCli.commandLine(
                            new PrintWriter(results, true, StandardCharsets.UTF_8),
                            new PrintWriter(System.err, true, StandardCharsets.UTF_8))
                    .execute(args);
        } catch (OutOfMemoryError e) {
            // The heap filled before the heap guard could judge a collection, e.g. reading a huge event.
            stopForFullHeap(e, heapAdvice);
            return;
        }
        results.flush();
        System.exit(code);
    }

    /**
     * Says which flag gives the JVM more heap and halts it with exit code 3: an orderly exit needs
     * memory the heap no longer has, and its shutdown hooks once ended in a native abort (134). The
     * common case's line is written from bytes made at startup: building it then can fail for want of
     * memory, as it did at 80 MB for 100,000 items, and the exit code was all that came out.
     */
    private static void stopForFullHeap(OutOfMemoryError error, HeapAdvice advice) {
        try {
            advice.write(error.getMessage());
        } finally {
            Runtime.getRuntime().halt(ExitCodes.HEAP_FULL);
        }
    }

    /** The last line a full heap prints, ready before the heap fills. */
    private static final class HeapAdvice {

        /** The message of the {@link OutOfMemoryError} for the Java heap. */
        private static final String HEAP_SPACE = "Java heap space";

        private final String command;
        private final byte[] heapSpace;
        private final FileOutputStream err = new FileOutputStream(FileDescriptor.err);

        private HeapAdvice(String command) {
            this.command = command;
            this.heapSpace = line(command, HEAP_SPACE);
        }

        static HeapAdvice of(String command) {
            return new HeapAdvice(command);
        }

        private static byte[] line(String command, String what) {
            return (RunCommand.heapAdvice("stopping", "the JVM heap is full (" + what + ")", command)
                            + System.lineSeparator())
                    .getBytes(StandardCharsets.UTF_8);
        }

        void write(String what) {
            System.err.flush();
            try {
                err.write(HEAP_SPACE.equals(what) ? heapSpace : line(command, what));
            } catch (java.io.IOException e) {
                // Standard error is gone: the exit code still says it.
            }
        }
    }
}
