package com.example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the variables it is asked for with {@code System.getenv}, as every Lambda function does. */
public class EnvHandler implements RequestHandler<List<String>, Map<String, String>> {

    @Override
    public Map<String, String> handleRequest(List<String> names, Context context) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : names) {
            values.put(name, System.getenv(name));
        }
        return values;
    }
}
