package dev.loadsplitter.local.forecast;

/** How sub-tasks reach the function on AWS. */
public enum Delivery {
    /** Through the work queue and an SQS event source mapping in standard mode. */
    SQS("sqs"),
    /** The same, with the mapping in provisioned mode: dedicated pollers between a minimum and a maximum. */
    SQS_PROVISIONED("sqs-provisioned"),
    /** Asynchronous {@code Invoke} calls (InvocationType=Event), without a queue. */
    INVOKE("invoke");

    private final String key;

    Delivery(String key) {
        this.key = key;
    }

    /** Its name in output and options: {@code sqs}, {@code sqs-provisioned}, {@code invoke}. */
    public String key() {
        return key;
    }
}
