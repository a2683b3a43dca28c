package com.example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

/** POJO in, POJO out: an order becomes a receipt. */
public class PojoHandler implements RequestHandler<Order, Receipt> {

    @Override
    public Receipt handleRequest(Order order, Context context) {
        if (order.getQuantity() < 0) {
            throw new IllegalArgumentException("quantity must not be negative, got " + order.getQuantity());
        }
        return new Receipt(order.getId(), order.getQuantity() * order.getUnitPrice());
    }
}
