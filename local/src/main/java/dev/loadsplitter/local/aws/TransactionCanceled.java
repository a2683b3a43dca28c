package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * A {@code TransactWriteItems} cancelled, with one reason per action in request order: {@code None}
 * for an action that was fine, {@code ConditionalCheckFailed} (with the item, when the action asked
 * for ALL_OLD), {@code TransactionConflict} for an item another transaction held, {@code ThrottlingError}
 * for an item over its capacity.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html#API_TransactWriteItems_Errors
 */
final class TransactionCanceled extends DynamoDbException {

    /** One action's reason. */
    record Reason(String code, String message, Optional<StoredItem> item) {

        static final Reason NONE = new Reason("None", null, Optional.empty());
        static final Reason CONFLICT =
                new Reason("TransactionConflict", "Transaction is ongoing for the item", Optional.empty());
        static final Reason THROTTLED = new Reason("ThrottlingError", DynamoDbException.THROTTLED, Optional.empty());

        static Reason conditionFailed(Optional<StoredItem> item) {
            return new Reason("ConditionalCheckFailed", "The conditional request failed", item);
        }
    }

    private final List<Reason> reasons;

    TransactionCanceled(List<Reason> reasons) {
        super(
                "TransactionCanceledException",
                "Transaction cancelled, please refer cancellation reasons for specific reasons "
                        + reasons.stream().map(Reason::code).toList(),
                fieldsOf(reasons));
        this.reasons = List.copyOf(reasons);
    }

    List<Reason> reasons() {
        return reasons;
    }

    private static ObjectNode fieldsOf(List<Reason> reasons) {
        ObjectNode fields = JsonNodeFactory.instance.objectNode();
        ArrayNode array = fields.putArray("CancellationReasons");
        for (Reason reason : reasons) {
            ObjectNode entry = array.addObject().put("Code", reason.code());
            if (reason.message() != null) {
                entry.put("Message", reason.message());
            }
            reason.item().ifPresent(item -> entry.set("Item", item.json()));
        }
        return fields;
    }
}
