package dev.loadsplitter.lambda.logging;

import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;

/** One {@link LambdaLogger} per name. */
final class LambdaLoggerFactory implements ILoggerFactory {

    private final ConcurrentHashMap<String, Logger> loggers = new ConcurrentHashMap<>();

    @Override
    public Logger getLogger(String name) {
        return loggers.computeIfAbsent(name, LambdaLogger::new);
    }
}
