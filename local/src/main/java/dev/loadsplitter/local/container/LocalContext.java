package dev.loadsplitter.local.container;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * An honest Lambda {@code Context}: the request id, the function's name, version, ARN and memory,
 * and the time left, counting down from the function timeout to the invocation's deadline.
 */
final class LocalContext implements Context {

    private final String requestId;
    private final FunctionDefinition function;
    private final String functionArn;
    private final String logStream;
    private final Instant deadline;
    private final Clock clock;
    private final FunctionLog log;
    private final String traceHeader;

    LocalContext(
            String requestId,
            FunctionDefinition function,
            String functionArn,
            String logStream,
            Instant deadline,
            Clock clock,
            FunctionLog log,
            String traceHeader) {
        this.requestId = requestId;
        this.function = function;
        this.functionArn = functionArn;
        this.logStream = logStream;
        this.deadline = deadline;
        this.clock = clock;
        this.log = log;
        this.traceHeader = traceHeader;
    }

    @Override
    public String getXrayTraceId() {
        return traceHeader;
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + function.name();
    }

    @Override
    public String getLogStreamName() {
        return logStream;
    }

    @Override
    public String getFunctionName() {
        return function.name();
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return functionArn;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        long millis = Duration.between(clock.instant(), deadline).toMillis();
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, millis));
    }

    @Override
    public int getMemoryLimitInMB() {
        return function.memoryMb();
    }

    @Override
    public LambdaLogger getLogger() {
        // Each call is one log event, as Lambda's logger frames it.
        return new LambdaLogger() {
            @Override
            public void log(String message) {
                log.event(requestId, clock.instant(), String.valueOf(message).stripTrailing());
            }

            @Override
            public void log(byte[] message) {
                log(new String(message, StandardCharsets.UTF_8));
            }
        };
    }
}
