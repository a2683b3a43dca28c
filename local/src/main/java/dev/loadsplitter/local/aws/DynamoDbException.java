package dev.loadsplitter.local.aws;

/**
 * An error answered in DynamoDB's own shape: its error code (the part of {@code __type} after
 * {@code #}), a message, and the HTTP status. The SDK turns the code into its typed exception.
 */
class DynamoDbException extends RuntimeException {

    private final String code;

    DynamoDbException(String code, String message) {
        super(message);
        this.code = code;
    }

    String code() {
        return code;
    }

    static DynamoDbException validation(String message) {
        return new DynamoDbException("ValidationException", message);
    }

    static DynamoDbException conditionFailed() {
        return new DynamoDbException("ConditionalCheckFailedException", "The conditional request failed");
    }

    static DynamoDbException tableNotFound(String table) {
        return new DynamoDbException(
                "ResourceNotFoundException", "Requested resource not found: Table: " + table + " not found");
    }
}
