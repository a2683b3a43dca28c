package dev.loadsplitter.lambda.logging;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J binding a Load Splitter function ships: log lines on stdout, which Lambda sends to
 * CloudWatch Logs, in Lambda's log format ({@code AWS_LAMBDA_LOG_FORMAT}): plain text, or one JSON
 * object per line with {@code timestamp}, {@code level}, {@code message}, and the invocation's
 * {@code requestId}, {@code jobId}, {@code partId} and {@code messageId} from the MDC.
 */
public final class LambdaLogServiceProvider implements SLF4JServiceProvider {

    private final LambdaLoggerFactory loggers = new LambdaLoggerFactory();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new BasicMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {}
}
