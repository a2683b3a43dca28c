package com.example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Calls SQS as a function with the AWS SDK would, without the SDK in its jar: the trace header of
 * its invocation comes from where Lambda's runtime puts it for the SDK ({@code SdkInternalThreadLocal},
 * which the runtime's class path provides), read on a child virtual thread.
 *
 * <p>{@code {"trace": true}} answers the header the invocation's thread, a child thread and the
 * context see; {@code {"calls": N, "endpoint": URL, "queueUrl": URL}} sends N {@code SendMessage}
 * calls from a child thread, going on after failed calls and after its invocation was ended.
 */
public class CallingHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        Map<String, Object> answer = new LinkedHashMap<>();
        if (Boolean.TRUE.equals(input.get("trace"))) {
            answer.put("main", traceHeader());
            answer.put("child", onChildThread(CallingHandler::traceHeader));
            answer.put("context", context.getXrayTraceId());
            return answer;
        }
        int calls = ((Number) input.get("calls")).intValue();
        URI endpoint = URI.create((String) input.get("endpoint"));
        String queueUrl = (String) input.get("queueUrl");
        answer.put("sent", onChildThread(() -> send(calls, endpoint, queueUrl)));
        return answer;
    }

    private static String traceHeader() {
        try {
            Class<?> threadLocal = Class.forName("software.amazon.awssdk.utilslite.SdkInternalThreadLocal");
            Method get = threadLocal.getMethod("get", String.class);
            return (String) get.invoke(null, "AWS_LAMBDA_X_TRACE_ID");
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the runtime has no SdkInternalThreadLocal", e);
        }
    }

    private static <T> T onChildThread(Callable<T> work) {
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            return executor.submit(work).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private static Integer send(int count, URI endpoint, String queueUrl) {
        int sent = 0;
        try (HttpClient http = HttpClient.newHttpClient()) {
            for (int i = 0; i < count; i++) {
                HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                        .header("Content-Type", "application/x-amz-json-1.0")
                        .header("X-Amz-Target", "AmazonSQS.SendMessage")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"QueueUrl\":\"" + queueUrl + "\",\"MessageBody\":\"call-" + i + "\"}"));
                String trace = traceHeader();
                if (trace != null) {
                    request.header("X-Amzn-Trace-Id", trace);
                }
                try {
                    if (http.send(request.build(), HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            == 200) {
                        sent++;
                    }
                } catch (IOException | InterruptedException e) {
                    // Goes on: a container that swallows its interrupt keeps sending.
                }
            }
        }
        return sent;
    }
}
