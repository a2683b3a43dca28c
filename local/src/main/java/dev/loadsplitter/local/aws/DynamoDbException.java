package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * An error answered in DynamoDB's own shape: its error code (the part of {@code __type} after
 * {@code #}), a message, and the fields some errors carry besides ({@code Item},
 * {@code CancellationReasons}, {@code ThrottlingReasons}). The SDK turns the code into its typed
 * exception. https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
 */
class DynamoDbException extends RuntimeException {

    private final String code;
    private final ObjectNode fields;

    DynamoDbException(String code, String message) {
        this(code, message, JsonNodeFactory.instance.objectNode());
    }

    DynamoDbException(String code, String message, ObjectNode fields) {
        super(message, null, false, false);
        this.code = code;
        this.fields = fields;
    }

    String code() {
        return code;
    }

    /** The error's fields besides {@code __type} and {@code message}. */
    ObjectNode fields() {
        return fields.deepCopy();
    }

    static DynamoDbException validation(String message) {
        return new DynamoDbException("ValidationException", message);
    }

    /** A failed condition; with ReturnValuesOnConditionCheckFailure=ALL_OLD it carries the item as it is. */
    static DynamoDbException conditionFailed(Optional<StoredItem> item) {
        ObjectNode fields = JsonNodeFactory.instance.objectNode();
        item.ifPresent(stored -> fields.set("Item", stored.json()));
        return new DynamoDbException("ConditionalCheckFailedException", "The conditional request failed", fields);
    }

    /**
     * A plain write to an item a transaction holds pending.
     * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html#transaction-conflict-handling
     */
    static DynamoDbException transactionConflict() {
        return new DynamoDbException("TransactionConflictException", "Transaction is ongoing for the item");
    }

    /**
     * A request refused because its item (or table) is over its capacity. On-demand tables answer
     * {@code ThrottlingException}, with the throttling reason ({@code TableWriteKeyRangeThroughputExceeded}
     * and its read twin for a hot item) and the table's ARN; the SDK's retry strategy counts it as
     * throttling (its AwsErrorCode list) and backs off.
     * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/throttling-diagnosing-workflow.html
     * https://github.com/aws/aws-sdk-java/issues/2222 (the code an on-demand table answers)
     */
    static DynamoDbException throttled(String table, String readOrWrite) {
        ObjectNode fields = JsonNodeFactory.instance.objectNode();
        // The wire name of the member is lower camel, as the SDK's model has it.
        fields.putArray("throttlingReasons")
                .addObject()
                .put("reason", "Table" + readOrWrite + "KeyRangeThroughputExceeded")
                .put("resource", TableSchema.arn(table));
        return new DynamoDbException("ThrottlingException", THROTTLED, fields);
    }

    /** DynamoDB's message for a throttled request on an on-demand table. */
    static final String THROTTLED = "Throughput exceeds the current capacity of your table or index. DynamoDB is "
            + "automatically scaling your table or index so please try again shortly. If exceptions persist, check "
            + "if you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/"
            + "bp-partition-key-design.html";

    static DynamoDbException tableNotFound(String table) {
        return new DynamoDbException(
                "ResourceNotFoundException", "Requested resource not found: Table: " + table + " not found");
    }
}
