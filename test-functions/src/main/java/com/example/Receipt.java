package com.example;

/** A POJO output. */
public class Receipt {

    private final String orderId;
    private final double total;

    public Receipt(String orderId, double total) {
        this.orderId = orderId;
        this.total = total;
    }

    public String getOrderId() {
        return orderId;
    }

    public double getTotal() {
        return total;
    }
}
