package com.example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

/** A number in, its square out. */
public class IntegerHandler implements RequestHandler<Integer, Integer> {

    @Override
    public Integer handleRequest(Integer input, Context context) {
        return input * input;
    }
}
