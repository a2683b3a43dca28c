package dev.loadsplitter.function;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadsplitter.engine.Invocation;
import dev.loadsplitter.engine.internal.handler.EngineParts;
import dev.loadsplitter.engine.internal.handler.EventRouter;
import dev.loadsplitter.engine.internal.ledger.JobLedger;
import dev.loadsplitter.engine.internal.queue.SendReport;
import dev.loadsplitter.engine.internal.split.SplitPolicy;
import dev.loadsplitter.engine.internal.split.Splitter;
import dev.loadsplitter.engine.message.EventJson;
import dev.loadsplitter.engine.message.SubTask;
import dev.loadsplitter.function.createtags.CreateTagsTask;
import dev.loadsplitter.function.createtags.CreateTagsTaskType;
import dev.loadsplitter.function.createtags.TagWork;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * A 100,000-tag event: large but legal. With the default fan-out limit of 1,000 it is split into
 * 100 sub-tasks of 1,000 tags (as few as keep the tree two levels deep), each split again by its
 * consumer into 1,000 one-tag sub-tasks, every tag once.
 */
class LargeEventTest {

    @Test
    void aHundredThousandTagsAreSplitIntoAHundredSubTasksOfAThousand() throws Exception {
        List<SubTask> queued = new CopyOnWriteArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
                EventRouter<CreateTagsTask> handler = new EventRouter<>(new EngineParts<>(
                        new CreateTagsTaskType(new TagWork(Duration.ZERO)),
                        EventJson.shared(),
                        new Splitter(SplitPolicy.defaultPolicy(), EventJson.shared()),
                        (subTasks, context) -> {
                            queued.addAll(subTasks);
                            return new SendReport(subTasks.size(), subTasks.size() / 10, 0, Duration.ZERO);
                        },
                        JobLedger.none(),
                        Clock.systemUTC(),
                        executor,
                        10,
                        () -> {}))) {
            String event = Events.createTags("hundred-thousand", 100_000);

            byte[] response = handler.handle(event.getBytes(StandardCharsets.UTF_8), new Invocation("req-big"));

            assertThat(new String(response, StandardCharsets.UTF_8))
                    .isEqualTo(
                            "{\"statusCode\":202,\"count\":100000,\"body\":\"split '100000' tags into '100' queued messages\"}");
        }
        assertThat(queued)
                .hasSize(100)
                .allSatisfy(subTask -> assertThat(subTask.itemCount()).isEqualTo(1_000));
        Set<String> parts = new HashSet<>();
        queued.forEach(subTask -> parts.add(subTask.lineage().partId()));
        assertThat(parts).hasSize(100).contains("1", "50", "100");
        assertThat(queued.getLast().body()).contains("\"key\":\"tag-100000\"").contains("\"key\":\"tag-99001\"");
    }
}
