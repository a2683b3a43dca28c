package dev.loadsplitter.bench;

import dev.loadsplitter.engine.internal.queue.SqsSubTaskSender;
import dev.loadsplitter.engine.message.SubTask;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The split path on the async CRT client: the same sub-tasks and attributes as the function's
 * sender, ten to a {@code SendMessageBatch}, with a bounded number of calls in flight and no
 * thread per call. A measuring stick only: no per-entry retry, and one-tag bodies never come near
 * the batch byte limit.
 */
final class AsyncCrtSender {

    private AsyncCrtSender() {}

    static SqsAsyncClient client(String endpoint) {
        return SqsAsyncClient.builder()
                .httpClient(AwsCrtAsyncHttpClient.builder().maxConcurrency(64).build())
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .build();
    }

    /** Sends every sub-task; fails if any entry failed. */
    static void send(SqsAsyncClient sqs, String queueUrl, List<SubTask> subTasks, int inFlight) throws Exception {
        Semaphore slots = new Semaphore(inFlight);
        List<CompletableFuture<SendMessageBatchResponse>> calls = new ArrayList<>();
        for (int from = 0; from < subTasks.size(); from += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>(10);
            for (int i = from; i < Math.min(subTasks.size(), from + 10); i++) {
                SubTask subTask = subTasks.get(i);
                entries.add(SendMessageBatchRequestEntry.builder()
                        .id(Integer.toString(i - from))
                        .messageBody(subTask.body())
                        .messageAttributes(SqsSubTaskSender.attributesOf(subTask))
                        .build());
            }
            slots.acquire();
            calls.add(sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries))
                    .whenComplete((response, error) -> slots.release()));
        }
        for (CompletableFuture<SendMessageBatchResponse> call : calls) {
            if (!call.get().failed().isEmpty()) {
                throw new IllegalStateException("entries failed: " + call.get().failed());
            }
        }
    }
}
