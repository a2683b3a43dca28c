package dev.loadsplitter.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

class EmbeddedSqsIT {

    @AutoClose
    private static final EmbeddedSqs sqs = EmbeddedSqs.start();

    @Test
    void release_makes_every_received_message_visible_again_in_batches() {
        EmbeddedSqs.QueuePair queues = sqs.createQueues("release", 5, Duration.ofMinutes(5));
        send(queues.url(), 37);
        List<Message> received = sqs.receiveAll(queues.url());
        assertThat(received).hasSize(37);
        assertThat(sqs.depth(queues.url()).inFlight()).isEqualTo(37);

        sqs.release(queues.url(), received);

        assertThat(sqs.depth(queues.url()).visible()).isEqualTo(37);
        assertThat(sqs.receiveAll(queues.url()))
                .extracting(Message::messageId)
                .containsExactlyInAnyOrderElementsOf(
                        received.stream().map(Message::messageId).toList());
    }

    @Test
    void dropping_dead_lettered_copies_drops_nothing_else_and_hides_nothing() {
        EmbeddedSqs.QueuePair queues = sqs.createQueues("no-copies", 5, Duration.ofMinutes(5));
        send(queues.url(), 23);
        send(queues.dlqUrl(), 4);

        // Nothing is in both queues here (only a durable restart makes such copies), so nothing is dropped...
        assertThat(sqs.dropDeadLetteredCopies(queues)).isZero();

        // ...and every message of both queues is visible again, none left hidden until its timeout.
        assertThat(sqs.depth(queues.url())).isEqualTo(new EmbeddedSqs.QueueDepth(23, 0, 0));
        assertThat(sqs.depth(queues.dlqUrl())).isEqualTo(new EmbeddedSqs.QueueDepth(4, 0, 0));
    }

    @Test
    void close_stops_every_thread_the_server_started() throws InterruptedException {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        List<Thread> started;
        try (EmbeddedSqs own = EmbeddedSqs.start()) {
            EmbeddedSqs.QueuePair queues = own.createQueues("threads", 5, Duration.ofMinutes(5));
            own.client().sendMessage(r -> r.queueUrl(queues.url()).messageBody("m"));
            assertThat(own.receiveAll(queues.url())).hasSize(1);
            started = Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> !before.contains(thread))
                    .filter(thread -> thread.getName().startsWith("elasticmq"))
                    .toList();
        }
        // The server's actor system is ours to stop (ElasticMQ stops only its HTTP server when given one).
        assertThat(started).isNotEmpty();
        for (Thread thread : started) {
            thread.join(Duration.ofSeconds(10));
        }
        assertThat(started).filteredOn(Thread::isAlive).isEmpty();
    }

    private static void send(String queueUrl, int count) {
        for (int from = 0; from < count; from += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + 10); i++) {
                entries.add(SendMessageBatchRequestEntry.builder()
                        .id(Integer.toString(i))
                        .messageBody("m" + i)
                        .build());
            }
            sqs.client().sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
        }
    }
}
