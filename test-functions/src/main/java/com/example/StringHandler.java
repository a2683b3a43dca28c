package com.example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Locale;

/** A JSON string in, the same in capitals out. */
public class StringHandler implements RequestHandler<String, String> {

    @Override
    public String handleRequest(String input, Context context) {
        return input.toUpperCase(Locale.ROOT);
    }
}
