package com.example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.LinkedHashMap;
import java.util.Map;

/** Answers a JSON object with what it was given, the greeting from its environment, and its context. */
public class MapHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        context.getLogger().log("map handler got " + input.keySet());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("greeting", System.getenv("GREETING"));
        answer.put("input", input);
        answer.put("functionName", context.getFunctionName());
        answer.put("memoryLimitInMB", context.getMemoryLimitInMB());
        answer.put("requestId", context.getAwsRequestId());
        answer.put("remainingTimePositive", context.getRemainingTimeInMillis() > 0);
        return answer;
    }
}
