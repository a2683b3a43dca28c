package dev.loadsplitter.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.Message;

class SqsBatchesTest {

    private static final SqsBatches.Retry THREE = new SqsBatches.Retry(3, Duration.ZERO);

    @Test
    void chunksAreTenAtMostInOrder() {
        List<Integer> items = IntStream.range(0, 23).boxed().toList();

        List<List<Integer>> chunks = SqsBatches.chunks(items);

        assertThat(chunks).extracting(List::size).containsExactly(10, 10, 3);
        assertThat(chunks.stream().flatMap(List::stream).toList()).isEqualTo(items);
        assertThat(SqsBatches.chunks(List.of())).isEmpty();
    }

    @Test
    void anEntrySqsFailedOnItsSideIsSentAgainAndThenDone() {
        List<List<String>> calls = new ArrayList<>();

        SqsBatches.Outcome<String> outcome = SqsBatches.inChunks(List.of("a", "b", "c"), THREE, chunk -> {
            calls.add(List.copyOf(chunk));
            // The first call fails "b" (index 1) on SQS's side; the retry carries "b" alone, at index 0.
            return calls.size() == 1 ? List.of(error(1, false)) : List.of();
        });

        assertThat(calls).containsExactly(List.of("a", "b", "c"), List.of("b"));
        assertThat(outcome.allDone()).isTrue();
        assertThat(outcome.done()).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void anEntryThatKeepsFailingIsReturnedAfterTheLastAttempt() {
        List<List<String>> calls = new ArrayList<>();

        SqsBatches.Outcome<String> outcome = SqsBatches.inChunks(List.of("a", "b"), THREE, chunk -> {
            calls.add(List.copyOf(chunk));
            return List.of(error(chunk.indexOf("b"), false));
        });

        assertThat(calls).containsExactly(List.of("a", "b"), List.of("b"), List.of("b"));
        assertThat(outcome.done()).containsExactly("a");
        assertThat(outcome.failed()).singleElement().satisfies(failure -> {
            assertThat(failure.item()).isEqualTo("b");
            assertThat(failure.describe()).isEqualTo("InternalError try later");
        });
    }

    @Test
    void theRequestsOwnFaultIsNotRetried() {
        List<List<String>> calls = new ArrayList<>();

        SqsBatches.Outcome<String> outcome = SqsBatches.inChunks(List.of("a", "b"), THREE, chunk -> {
            calls.add(List.copyOf(chunk));
            return List.of(error(0, true));
        });

        assertThat(calls).hasSize(1);
        assertThat(outcome.done()).containsExactly("b");
        assertThat(outcome.failed())
                .singleElement()
                .satisfies(failure -> assertThat(failure.describe())
                        .isEqualTo("InternalError try later (the request's fault; not retried)"));
    }

    @Test
    void eachChunkIsCheckedOnItsOwn() {
        List<Integer> items = IntStream.range(0, 12).boxed().toList();

        SqsBatches.Outcome<Integer> outcome = SqsBatches.inChunks(
                items,
                new SqsBatches.Retry(1, Duration.ZERO),
                chunk -> chunk.contains(11) ? List.of(error(chunk.indexOf(11), false)) : List.of());

        assertThat(outcome.done()).hasSize(11).doesNotContain(11);
        assertThat(outcome.failed()).extracting(SqsBatches.Failure::item).containsExactly(11);
    }

    @Test
    void aRetryNeedsAnAttempt() {
        assertThatThrownBy(() -> new SqsBatches.Retry(0, Duration.ZERO))
                .hasMessage("attempts must be 1 or more, got 0");
    }

    @Test
    void peekStopsAtMax() {
        try (EmbeddedSqs sqs = EmbeddedSqs.start()) {
            String url = sqs.client().createQueue(r -> r.queueName("peek")).queueUrl();
            for (int i = 0; i < 25; i++) {
                int n = i;
                sqs.client().sendMessage(r -> r.queueUrl(url).messageBody("m" + n));
            }

            List<Message> peeked = SqsBatches.peek(sqs.client(), url, 13, 30);

            assertThat(peeked).hasSize(13);
            assertThat(SqsBatches.changeVisibility(sqs.client(), url, peeked, 0, THREE)
                            .allDone())
                    .isTrue();
            assertThat(sqs.depth(url).visible()).isEqualTo(25);
        }
    }

    private static BatchResultErrorEntry error(int index, boolean senderFault) {
        return BatchResultErrorEntry.builder()
                .id(Integer.toString(index))
                .code("InternalError")
                .message("try later")
                .senderFault(senderFault)
                .build();
    }
}
