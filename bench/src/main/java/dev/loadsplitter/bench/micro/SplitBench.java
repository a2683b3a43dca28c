package dev.loadsplitter.bench.micro;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.bench.Events;
import dev.loadsplitter.engine.internal.split.SplitPolicy;
import dev.loadsplitter.engine.internal.split.Splitter;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.engine.message.Lineage;
import dev.loadsplitter.engine.message.SubTask;
import dev.loadsplitter.function.createtags.CreateTagsTask;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The in-process part of a split: reading the task, slicing it into one-item sub-tasks and writing
 * each one's JSON body, with the default policy (flat up to the fan-out limit). No SQS.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SplitBench {

    @Param({"1000", "10000"})
    public int items;

    private ObjectMapper json;
    private Splitter splitter;
    private CreateTagsTask task;

    @Setup
    public void setUp() throws Exception {
        json = EventJson.create();
        SplitPolicy defaults = SplitPolicy.defaultPolicy();
        // Flat, as in the benchmark's split part: one level of one-item sub-tasks.
        splitter = new Splitter(
                new SplitPolicy(
                        defaults.maxItemsPerTask(),
                        defaults.maxMessageBytes(),
                        defaults.maxSplitDepth(),
                        Math.max(items, defaults.fanOutLimit())),
                json);
        task = Events.task(json, items);
    }

    @Benchmark
    public List<SubTask> splitIntoOneTagSubTasks() {
        return splitter.split(Events.TYPE, task, Lineage.root("micro-job"));
    }
}
