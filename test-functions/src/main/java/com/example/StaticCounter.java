package com.example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts in a static field and in an instance field: shows what containers share in a runtime. */
public class StaticCounter implements RequestHandler<Map<String, Object>, Map<String, Integer>> {

    private static final AtomicInteger STATIC_COUNT = new AtomicInteger();
    private final AtomicInteger instanceCount = new AtomicInteger();

    @Override
    public Map<String, Integer> handleRequest(Map<String, Object> input, Context context) {
        return Map.of("static", STATIC_COUNT.incrementAndGet(), "instance", instanceCount.incrementAndGet());
    }
}
