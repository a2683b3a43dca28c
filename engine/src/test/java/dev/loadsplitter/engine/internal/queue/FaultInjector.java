package dev.loadsplitter.engine.internal.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * Makes chosen {@code SendMessageBatch} entries fail the way SQS reports a partial failure: the
 * entry is taken out of the request before it is sent (so SQS never stores it) and reported in
 * the response's {@code Failed} list. When every entry of a call is to fail, the call itself fails
 * with a 500 {@code InternalError} (or a 400 for sender faults) before anything is sent, since SQS
 * refuses an empty batch.
 */
final class FaultInjector implements ExecutionInterceptor {

    private static final ExecutionAttribute<List<String>> DROPPED = new ExecutionAttribute<>("dropped-entries");

    private final Predicate<SendMessageBatchRequestEntry> shouldFail;
    private final boolean senderFault;
    private final AtomicInteger injected = new AtomicInteger();

    FaultInjector(Predicate<SendMessageBatchRequestEntry> shouldFail, boolean senderFault) {
        this.shouldFail = shouldFail;
        this.senderFault = senderFault;
    }

    int injected() {
        return injected.get();
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        if (!(context.request() instanceof SendMessageBatchRequest request)) {
            return context.request();
        }
        List<SendMessageBatchRequestEntry> kept = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (SendMessageBatchRequestEntry entry : request.entries()) {
            if (shouldFail.test(entry)) {
                dropped.add(entry.id());
            } else {
                kept.add(entry);
            }
        }
        injected.addAndGet(dropped.size());
        if (kept.isEmpty()) {
            throw SqsException.builder()
                    .statusCode(senderFault ? 400 : 500)
                    .awsErrorDetails(AwsErrorDetails.builder()
                            .errorCode(senderFault ? "InvalidParameterValue" : "InternalError")
                            .errorMessage(senderFault ? "injected sender fault" : "injected transient failure")
                            .build())
                    .build();
        }
        attributes.putAttribute(DROPPED, dropped);
        return request.toBuilder().entries(kept).build();
    }

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        List<String> dropped = attributes.getAttribute(DROPPED);
        if (!(context.response() instanceof SendMessageBatchResponse response)
                || dropped == null
                || dropped.isEmpty()) {
            return context.response();
        }
        List<BatchResultErrorEntry> failed = new ArrayList<>(response.failed());
        for (String id : dropped) {
            failed.add(BatchResultErrorEntry.builder()
                    .id(id)
                    .code(senderFault ? "InvalidParameterValue" : "InternalError")
                    .message(senderFault ? "injected sender fault" : "injected transient failure")
                    .senderFault(senderFault)
                    .build());
        }
        return response.toBuilder().failed(failed).build();
    }
}
