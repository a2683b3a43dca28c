package dev.loadsplitter.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * A real SQS client with batch entries failed on purpose, as SQS answers them: the entry of the
 * sub-task with a given {@code partId} is reported failed ({@code InternalError injected}) while the
 * others go to the real server. Closing it leaves the real client open.
 */
final class FaultySqs implements SqsClient {

    private final SqsClient real;
    private final Map<String, String> partOfHandle = new ConcurrentHashMap<>();
    private final Map<String, String> idOfPart = new ConcurrentHashMap<>();
    private final AtomicInteger deleteCalls = new AtomicInteger();
    private final AtomicInteger visibilityCalls = new AtomicInteger();
    private String deletePart;
    private int deleteFailures;
    private boolean deleteSenderFault;
    private String visibilityPart;
    private boolean visibilitySenderFault;
    private String sendPart;

    FaultySqs(SqsClient real) {
        this.real = real;
    }

    /** Fails the delete of {@code partId}'s message in its first {@code times} calls. */
    FaultySqs failDeletes(int times, String partId, boolean senderFault) {
        this.deleteFailures = times;
        this.deletePart = partId;
        this.deleteSenderFault = senderFault;
        return this;
    }

    /** Fails every change of visibility of {@code partId}'s message. */
    FaultySqs failVisibility(String partId, boolean senderFault) {
        this.visibilityPart = partId;
        this.visibilitySenderFault = senderFault;
        return this;
    }

    /** Fails every send of a copy of {@code partId}'s message (on SQS's side). */
    FaultySqs failSends(String partId) {
        this.sendPart = partId;
        return this;
    }

    String idOfPart(String partId) {
        return idOfPart.get(partId);
    }

    int deleteCalls() {
        return deleteCalls.get();
    }

    int visibilityCalls() {
        return visibilityCalls.get();
    }

    @Override
    public ReceiveMessageResponse receiveMessage(ReceiveMessageRequest request) {
        ReceiveMessageResponse response = real.receiveMessage(request);
        for (Message message : response.messages()) {
            MessageAttributeValue part = message.messageAttributes().get("partId");
            if (part != null) {
                partOfHandle.put(message.receiptHandle(), part.stringValue());
                idOfPart.put(part.stringValue(), message.messageId());
            }
        }
        return response;
    }

    @Override
    public DeleteMessageBatchResponse deleteMessageBatch(DeleteMessageBatchRequest request) {
        boolean failing = deleteCalls.incrementAndGet() <= deleteFailures;
        List<DeleteMessageBatchRequestEntry> pass = new ArrayList<>();
        List<BatchResultErrorEntry> failed = new ArrayList<>();
        for (DeleteMessageBatchRequestEntry entry : request.entries()) {
            if (failing && deletePart != null && deletePart.equals(partOfHandle.get(entry.receiptHandle()))) {
                failed.add(error(entry.id(), deleteSenderFault));
            } else {
                pass.add(entry);
            }
        }
        if (pass.isEmpty()) {
            return DeleteMessageBatchResponse.builder().failed(failed).build();
        }
        DeleteMessageBatchResponse response =
                real.deleteMessageBatch(request.toBuilder().entries(pass).build());
        List<BatchResultErrorEntry> all = new ArrayList<>(response.failed());
        all.addAll(failed);
        return response.toBuilder().failed(all).build();
    }

    @Override
    public ChangeMessageVisibilityBatchResponse changeMessageVisibilityBatch(
            ChangeMessageVisibilityBatchRequest request) {
        visibilityCalls.incrementAndGet();
        List<ChangeMessageVisibilityBatchRequestEntry> pass = new ArrayList<>();
        List<BatchResultErrorEntry> failed = new ArrayList<>();
        for (ChangeMessageVisibilityBatchRequestEntry entry : request.entries()) {
            if (visibilityPart != null && visibilityPart.equals(partOfHandle.get(entry.receiptHandle()))) {
                failed.add(error(entry.id(), visibilitySenderFault));
            } else {
                pass.add(entry);
            }
        }
        if (pass.isEmpty()) {
            return ChangeMessageVisibilityBatchResponse.builder().failed(failed).build();
        }
        ChangeMessageVisibilityBatchResponse response = real.changeMessageVisibilityBatch(
                request.toBuilder().entries(pass).build());
        List<BatchResultErrorEntry> all = new ArrayList<>(response.failed());
        all.addAll(failed);
        return response.toBuilder().failed(all).build();
    }

    @Override
    public SendMessageBatchResponse sendMessageBatch(SendMessageBatchRequest request) {
        List<SendMessageBatchRequestEntry> pass = new ArrayList<>();
        List<BatchResultErrorEntry> failed = new ArrayList<>();
        for (SendMessageBatchRequestEntry entry : request.entries()) {
            MessageAttributeValue part = entry.messageAttributes().get("partId");
            if (sendPart != null && part != null && sendPart.equals(part.stringValue())) {
                failed.add(error(entry.id(), false));
            } else {
                pass.add(entry);
            }
        }
        if (pass.isEmpty()) {
            return SendMessageBatchResponse.builder().failed(failed).build();
        }
        SendMessageBatchResponse response =
                real.sendMessageBatch(request.toBuilder().entries(pass).build());
        List<BatchResultErrorEntry> all = new ArrayList<>(response.failed());
        all.addAll(failed);
        return response.toBuilder().failed(all).build();
    }

    private static BatchResultErrorEntry error(String id, boolean senderFault) {
        return BatchResultErrorEntry.builder()
                .id(id)
                .code("InternalError")
                .message("injected")
                .senderFault(senderFault)
                .build();
    }

    @Override
    public String serviceName() {
        return real.serviceName();
    }

    @Override
    public void close() {
        // The real client belongs to the test's server.
    }
}
