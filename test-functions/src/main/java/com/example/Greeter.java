package com.example;

import com.amazonaws.services.lambda.runtime.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** No interface at all: handlers named as CLASS::METHOD. */
public class Greeter {

    /** A POJO method, named {@code com.example.Greeter::greet}. */
    public String greet(Map<String, String> input, Context context) {
        return System.getenv().getOrDefault("GREETING", "hello") + ", " + input.get("name");
    }

    /** A stream method, named {@code com.example.Greeter::echo}. */
    public void echo(InputStream in, OutputStream out, Context context) throws IOException {
        out.write(("{\"echo\":" + new String(in.readAllBytes(), StandardCharsets.UTF_8) + "}")
                .getBytes(StandardCharsets.UTF_8));
    }
}
