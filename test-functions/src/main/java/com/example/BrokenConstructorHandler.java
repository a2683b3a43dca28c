package com.example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;

/** A handler whose constructor throws, as one missing its configuration does. */
public class BrokenConstructorHandler implements RequestHandler<Map<String, Object>, String> {

    public BrokenConstructorHandler() {
        throw new IllegalStateException("TABLE_NAME is not set");
    }

    @Override
    public String handleRequest(Map<String, Object> input, Context context) {
        return "never";
    }
}
