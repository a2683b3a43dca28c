package dev.loadsplitter.local.esm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadsplitter.sqs.EmbeddedSqs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

class DeleteBatcherIT {

    @AutoClose
    private static final EmbeddedSqs sqs = EmbeddedSqs.start();

    private static List<Message> receivedMessages(String queueUrl, int count) {
        for (int i = 0; i < count; i++) {
            int n = i;
            sqs.client().sendMessage(r -> r.queueUrl(queueUrl).messageBody("m" + n));
        }
        List<Message> received = new ArrayList<>();
        while (received.size() < count) {
            received.addAll(sqs.client()
                    .receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10))
                    .messages());
        }
        return received;
    }

    @Test
    void deletesFromManyThreadsAtOnceAllGoInBatchesAndCloseSendsWhatIsQueued() throws Exception {
        EmbeddedSqs.QueuePair queues = sqs.createQueues("deletes-many", 5, Duration.ofMinutes(5));
        List<Message> received = receivedMessages(queues.url(), 95);
        DeleteBatcher deletes = new DeleteBatcher(sqs.client(), queues.url(), 4);
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            List<Future<?>> deleters = new ArrayList<>();
            for (Message message : received) {
                deleters.add(threads.submit(() -> {
                    go.await();
                    deletes.delete(message);
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> deleter : deleters) {
                deleter.get();
            }
        }
        deletes.close();

        assertThat(deletes.unsent()).isZero();
        assertThat(sqs.depth(queues.url()).total()).isZero();
        // A DeleteMessageBatch carries at most 10 entries, and the calls count what the mapping bills.
        assertThat(deletes.calls()).isBetween(10L, 95L);
    }

    @Test
    void aDeleteThatFailsLeavesItsRecordAndNotTheOthersInItsBatch() {
        EmbeddedSqs.QueuePair queues = sqs.createQueues("deletes-failed", 5, Duration.ofSeconds(1));
        List<Message> received = receivedMessages(queues.url(), 3);
        DeleteBatcher deletes = new DeleteBatcher(sqs.client(), queues.url(), 1);
        deletes.delete(received.get(0));
        deletes.delete(received.get(1).toBuilder()
                .receiptHandle("not-a-receipt-handle")
                .build());
        deletes.delete(received.get(2));
        deletes.close();

        assertThat(deletes.unsent()).isZero();
        // The one whose delete failed comes back after the visibility timeout; the two deleted do not.
        assertThat(sqs.depth(queues.url()).total()).isEqualTo(1);
    }
}
