package dev.loadsplitter.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code load-splitter} command and its subcommands. */
@Command(
        name = "load-splitter",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Runs the Load Splitter Lambda function on this machine as AWS would: an embedded SQS "
                + "server, the function's containers, and an SQS event source mapping between them. "
                + "No AWS account, no Docker.",
        subcommands = {
            RunCommand.class,
            InvokeCommand.class,
            ServeCommand.class,
            ForecastCommand.class,
            DlqCommand.class,
            JobsCommand.class,
            CommandLine.HelpCommand.class
        })
public final class LoadSplitterCli {

    /** The command line with results written to {@code out} and messages to {@code err}. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, CommandLine.defaultFactory());
    }

    /** The same, with the commands {@code factory} builds (a test's, with fake clients). */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, CommandLine.IFactory factory) {
        CommandLine commandLine = new CommandLine(new LoadSplitterCli(), factory);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.registerConverter(java.time.Duration.class, new DurationConverter());
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            cmd.getErr().println("load-splitter: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return e instanceof UsageException || e instanceof IllegalArgumentException
                    ? ExitCodes.USAGE
                    : ExitCodes.FAILED;
        });
        return commandLine;
    }
}
