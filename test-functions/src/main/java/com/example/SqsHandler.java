package com.example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * An ordinary SQS consumer: greets each record with {@code GREETING}, sleeps {@code SLEEP_MS} per
 * record (the work), and reports a record whose body is {@code poison} as a batch item failure.
 */
public class SqsHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final String greeting = System.getenv().getOrDefault("GREETING", "hello");
    private final long sleepMillis = Long.parseLong(System.getenv().getOrDefault("SLEEP_MS", "0"));

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage message : event.getRecords()) {
            if ("poison".equals(message.getBody())) {
                context.getLogger().log("cannot digest message " + message.getMessageId());
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
                continue;
            }
            if (sleepMillis > 0) {
                try {
                    Thread.sleep(sleepMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            System.out.println(greeting + " " + message.getBody());
        }
        return new SQSBatchResponse(failures);
    }
}
