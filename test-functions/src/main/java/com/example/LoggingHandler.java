package com.example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.InputStream;
import java.io.OutputStream;

/** Logs without newlines, over several lines, and to stdout without a final newline. */
public class LoggingHandler implements RequestStreamHandler {

    @Override
    public void handleRequest(InputStream in, OutputStream out, Context context) {
        context.getLogger().log("first call, no newline");
        context.getLogger().log("second call\nspans two lines");
        System.out.print("stdout without newline");
    }
}
