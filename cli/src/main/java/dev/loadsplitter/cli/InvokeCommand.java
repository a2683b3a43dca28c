package dev.loadsplitter.cli;

import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.loadsplitter.local.LocalEnvironment;
import dev.loadsplitter.local.LocalSettings;
import dev.loadsplitter.local.container.InvocationListener;
import dev.loadsplitter.local.container.InvocationResult;
import dev.loadsplitter.local.container.Trigger;
import dev.loadsplitter.local.report.InvocationLog;
import dev.loadsplitter.local.report.RunRecorder;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code load-splitter invoke EVENT_FILE}: one synchronous invocation, like {@code aws lambda invoke}. */
@Command(
        name = "invoke",
        mixinStandardHelpOptions = true,
        description = "Invokes the function once, synchronously, with EVENT_FILE and prints its response on "
                + "stdout, like 'aws lambda invoke'. Sub-tasks go to a fresh embedded queue and are not processed; "
                + "stderr says how many were queued.")
final class InvokeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "EVENT_FILE", description = "The event to invoke with.")
    Path eventFile;

    @Mixin
    FunctionOptions function;

    @Override
    public Integer call() throws Exception {
        byte[] event = Events.read(eventFile);
        PrintWriter out = spec.commandLine().getOut();
        LocalSettings settings = function.toSettings(new MappingOptions(), "127.0.0.1", 0, false);
        InvocationLog log = new InvocationLog(System.err, settings.memoryMb(), function.logFormat());
        RunRecorder recorder = new RunRecorder(
                JsonMapper.builder().build(), function.maxItemsPerTask, 1, settings.dlqName(), log::ended);
        try (LocalEnvironment environment =
                LocalEnvironment.start(settings, InvocationListener.all(List.of(log, recorder)), log)) {
            InvocationResult result = environment.function().invoke(event, Trigger.SYNC);
            out.println(new String(result.payload(), StandardCharsets.UTF_8));
            out.flush();
            int queued = environment.sqs().depth(environment.queues().url()).total();
            System.err.println("load-splitter: " + queued + " sub-task" + (queued == 1 ? "" : "s") + " queued on "
                    + settings.queueName() + (result.isError() ? "; the function returned an error" : ""));
            return result.isError() ? ExitCodes.FAILED : ExitCodes.OK;
        }
    }
}
