package dev.loadsplitter.engine.internal.config;

import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.utilslite.SdkInternalThreadLocal;

/**
 * Lambda's trace propagation for a function whose environment is a map: sends the invocation's
 * X-Ray trace header as {@code X-Amzn-Trace-Id} on every call, as the SDK's own
 * {@code TraceIdExecutionInterceptor} does on Lambda.
 *
 * <p>Lambda's runtime interface client puts each invocation's trace header into
 * {@link SdkInternalThreadLocal} under {@value #TRACE_ID_KEY} (an inheritable thread local, so the
 * invocation's child threads see it too), and the SDK's interceptor sends it, but only when the
 * process environment has {@code AWS_LAMBDA_FUNCTION_NAME}. A handler built with its environment as
 * a map (the local runtime's containers in its own JVM) has that variable in the map, not in the
 * process: this interceptor reads the map instead. It never replaces a header already set.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html
 */
final class LambdaTraceHeader implements ExecutionInterceptor {

    /** The key Lambda's runtime interface client and the SDK share. */
    static final String TRACE_ID_KEY = "AWS_LAMBDA_X_TRACE_ID";

    static final String HEADER = "X-Amzn-Trace-Id";

    /** Read on the calling thread, before the SDK may move the call to another one. */
    private static final ExecutionAttribute<String> TRACE_ID = new ExecutionAttribute<>("LoadSplitterLambdaTraceId");

    /** The interceptor a client needs for {@code environment}: none outside Lambda. */
    static Optional<ExecutionInterceptor> forEnvironment(Map<String, String> environment) {
        String functionName = environment.get("AWS_LAMBDA_FUNCTION_NAME");
        return functionName == null || functionName.isBlank() ? Optional.empty() : Optional.of(new LambdaTraceHeader());
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String traceId = SdkInternalThreadLocal.get(TRACE_ID_KEY);
        if (traceId != null) {
            attributes.putAttribute(TRACE_ID, traceId);
        }
    }

    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        SdkHttpRequest request = context.httpRequest();
        String traceId = attributes.getAttribute(TRACE_ID);
        if (traceId == null || request.firstMatchingHeader(HEADER).isPresent()) {
            return request;
        }
        return request.copy(builder -> builder.putHeader(HEADER, traceId));
    }
}
