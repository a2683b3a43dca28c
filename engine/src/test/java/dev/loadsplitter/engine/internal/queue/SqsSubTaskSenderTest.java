package dev.loadsplitter.engine.internal.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadsplitter.engine.internal.time.Sleeper;
import dev.loadsplitter.engine.message.Lineage;
import dev.loadsplitter.engine.message.SubTask;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

class SqsSubTaskSenderTest {

    private static List<SqsSubTaskSender.Pending> entries(int count, int bodyBytes) {
        List<SqsSubTaskSender.Pending> entries = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            SubTask subTask =
                    new SubTask("x".repeat(bodyBytes), Lineage.root("j").child(i, i - 1), i, count, 1, "T");
            entries.add(new SqsSubTaskSender.Pending(Integer.toString(i), subTask));
        }
        return entries;
    }

    private static List<Integer> sizes(List<List<SqsSubTaskSender.Pending>> batches) {
        return batches.stream().map(List::size).toList();
    }

    @Test
    void packsAtMostTenEntriesAndAtMostTheByteLimitPerBatch() {
        try (SqsClient unused = SqsClient.builder().region(Region.US_EAST_1).build();
                var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            SqsSubTaskSender sender = new SqsSubTaskSender(
                    unused,
                    QueueAddress.ofUrl("http://q"),
                    new SenderSettings(1, 1, Duration.ofMillis(1), Duration.ofMillis(1), 4_096),
                    executor,
                    Sleeper.system(),
                    Clock.systemUTC());

            assertThat(sizes(sender.pack(entries(25, 10)))).containsExactly(10, 10, 5);
            // About 1,100 bytes each: three fit under 4 KiB, a fourth would not.
            assertThat(sizes(sender.pack(entries(7, 1_000)))).containsExactly(3, 3, 1);
            assertThat(sender.pack(List.of())).isEmpty();
        }
    }
}
