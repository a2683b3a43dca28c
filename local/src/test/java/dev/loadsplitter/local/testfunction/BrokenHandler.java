package dev.loadsplitter.local.testfunction;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.InputStream;
import java.io.OutputStream;

/** A function whose initialisation always fails. */
public final class BrokenHandler implements RequestStreamHandler {

    public BrokenHandler() {
        throw new IllegalStateException("missing configuration FOO");
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) {
        throw new AssertionError("never initialised");
    }
}
