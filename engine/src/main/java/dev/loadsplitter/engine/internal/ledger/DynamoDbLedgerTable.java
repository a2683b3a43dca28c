package dev.loadsplitter.engine.internal.ledger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The ledger's table in DynamoDB: partition key {@value #PK}, sort key {@value #SK} (both strings),
 * TTL attribute {@value MemoryLedgerTable#EXPIRES_AT}. Conditions and changes become condition and
 * update expressions with every name and value behind a placeholder (DynamoDB reserves words such as
 * {@code status} and {@code items}). A refused condition returns the stored item
 * ({@code ReturnValuesOnConditionCheckFailure=ALL_OLD}), so the ledger needs no second read to see why.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html
 */
public final class DynamoDbLedgerTable implements LedgerTable {

    /** The partition key's name. */
    public static final String PK = "pk";
    /** The sort key's name. */
    public static final String SK = "sk";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbLedgerTable(DynamoDbClient dynamo, String table) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.table = Objects.requireNonNull(table, "table");
    }

    /** The table's name. */
    public String table() {
        return table;
    }

    @Override
    public void warmUp() {
        dynamo.getItem(r -> r.tableName(table).key(key(new ItemKey("warm-up", "warm-up"))));
    }

    @Override
    public Optional<Item> get(ItemKey key, boolean consistent) {
        try {
            Map<String, AttributeValue> item = dynamo.getItem(
                            r -> r.tableName(table).key(key(key)).consistentRead(consistent))
                    .item();
            return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item(item));
        } catch (DynamoDbException e) {
            throw busyOr(e);
        }
    }

    @Override
    public Page query(
            String pk, SortRange range, boolean ascending, int limit, Optional<ItemKey> after, boolean consistent) {
        Placeholders p = new Placeholders();
        String keyCondition = p.name(PK) + " = " + p.value(pk) + " AND "
                + range.asPrefix()
                        .map(prefix -> "begins_with(" + p.name(SK) + ", " + p.value(prefix) + ")")
                        .orElseGet(
                                () -> p.name(SK) + " BETWEEN " + p.value(range.from()) + " AND " + p.value(range.to()));
        QueryResponse response;
        try {
            response = dynamo.query(r -> {
                r.tableName(table)
                        .keyConditionExpression(keyCondition)
                        .expressionAttributeNames(p.names())
                        .expressionAttributeValues(p.values())
                        .scanIndexForward(ascending)
                        .limit(limit)
                        .consistentRead(consistent);
                after.ifPresent(start -> r.exclusiveStartKey(key(start)));
            });
        } catch (DynamoDbException e) {
            throw busyOr(e);
        }
        List<Item> items = new ArrayList<>(response.count());
        response.items().forEach(item -> items.add(item(item)));
        Optional<ItemKey> next =
                response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                        ? Optional.of(new ItemKey(
                                response.lastEvaluatedKey().get(PK).s(),
                                response.lastEvaluatedKey().get(SK).s()))
                        : Optional.empty();
        return new Page(items, next);
    }

    @Override
    public void write(Write write) {
        try {
            switch (write) {
                case Write.Put put -> {
                    Placeholders p = new Placeholders();
                    String condition = p.condition(put.condition());
                    dynamo.putItem(r -> {
                        r.tableName(table)
                                .item(attributes(put.key(), put.attributes()))
                                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
                        p.apply(
                                condition,
                                r::conditionExpression,
                                r::expressionAttributeNames,
                                r::expressionAttributeValues);
                    });
                }
                case Write.Update update -> {
                    Placeholders p = new Placeholders();
                    String changes = p.changes(update.changes());
                    String condition = p.condition(update.condition());
                    dynamo.updateItem(r -> {
                        r.tableName(table)
                                .key(key(update.key()))
                                .updateExpression(changes)
                                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
                        p.apply(
                                condition,
                                r::conditionExpression,
                                r::expressionAttributeNames,
                                r::expressionAttributeValues);
                    });
                }
                case Write.Delete delete -> {
                    Placeholders p = new Placeholders();
                    String condition = p.condition(delete.condition());
                    dynamo.deleteItem(r -> {
                        r.tableName(table)
                                .key(key(delete.key()))
                                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
                        p.apply(
                                condition,
                                r::conditionExpression,
                                r::expressionAttributeNames,
                                r::expressionAttributeValues);
                    });
                }
                case Write.Check check ->
                    throw new IllegalArgumentException(
                            "a condition check of " + check.key() + " is only meaningful inside a transaction");
            }
        } catch (ConditionalCheckFailedException e) {
            throw new ConditionFailedException(
                    write.key(), e.hasItem() && !e.item().isEmpty() ? Optional.of(item(e.item())) : Optional.empty());
        } catch (DynamoDbException e) {
            throw busyOr(e);
        }
    }

    @Override
    public void transact(List<Write> writes, String token) {
        List<TransactWriteItem> items = new ArrayList<>(writes.size());
        for (Write write : writes) {
            items.add(transactItem(write));
        }
        try {
            dynamo.transactWriteItems(r -> r.transactItems(items).clientRequestToken(token));
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
            boolean conditionFailed = reasons.stream().anyMatch(r -> "ConditionalCheckFailed".equals(r.code()));
            if (!conditionFailed || reasons.size() != writes.size()) {
                // A conflict with another transaction or write, a throttle, a transaction in progress: nothing
                // was written, and the same transaction may be sent again.
                throw new LedgerBusyException(
                        "the ledger's transaction was cancelled without a failed condition ("
                                + reasons.stream().map(CancellationReason::code).toList() + ")",
                        e);
            }
            List<TransactionCancelledException.Reason> result = new ArrayList<>(reasons.size());
            for (CancellationReason reason : reasons) {
                result.add(
                        "ConditionalCheckFailed".equals(reason.code())
                                ? TransactionCancelledException.Reason.failed(
                                        reason.hasItem() && !reason.item().isEmpty()
                                                ? Optional.of(item(reason.item()))
                                                : Optional.empty())
                                : TransactionCancelledException.Reason.held());
            }
            throw new TransactionCancelledException(result);
        } catch (DynamoDbException e) {
            throw busyOr(e);
        }
    }

    private TransactWriteItem transactItem(Write write) {
        Placeholders p = new Placeholders();
        return switch (write) {
            case Write.Put put -> {
                String condition = p.condition(put.condition());
                yield TransactWriteItem.builder()
                        .put(b -> {
                            b.tableName(table)
                                    .item(attributes(put.key(), put.attributes()))
                                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
                            p.apply(
                                    condition,
                                    b::conditionExpression,
                                    b::expressionAttributeNames,
                                    b::expressionAttributeValues);
                        })
                        .build();
            }
            case Write.Update update -> {
                String changes = p.changes(update.changes());
                String condition = p.condition(update.condition());
                yield TransactWriteItem.builder()
                        .update(b -> {
                            b.tableName(table)
                                    .key(key(update.key()))
                                    .updateExpression(changes)
                                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
                            p.apply(
                                    condition,
                                    b::conditionExpression,
                                    b::expressionAttributeNames,
                                    b::expressionAttributeValues);
                        })
                        .build();
            }
            case Write.Delete delete -> {
                String condition = p.condition(delete.condition());
                yield TransactWriteItem.builder()
                        .delete(b -> {
                            b.tableName(table)
                                    .key(key(delete.key()))
                                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
                            p.apply(
                                    condition,
                                    b::conditionExpression,
                                    b::expressionAttributeNames,
                                    b::expressionAttributeValues);
                        })
                        .build();
            }
            case Write.Check check -> {
                String condition = p.condition(check.condition());
                if (condition.isEmpty()) {
                    throw new IllegalArgumentException("a condition check of " + check.key() + " needs a condition");
                }
                yield TransactWriteItem.builder()
                        .conditionCheck(b -> b.tableName(table)
                                .key(key(check.key()))
                                .conditionExpression(condition)
                                .expressionAttributeNames(p.names())
                                .expressionAttributeValues(p.values().isEmpty() ? null : p.values())
                                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD))
                        .build();
            }
        };
    }

    /** Throttles and conflicts become {@link LedgerBusyException}; anything else is rethrown as it is. */
    private static RuntimeException busyOr(DynamoDbException e) {
        String code = e.awsErrorDetails() == null
                ? ""
                : String.valueOf(e.awsErrorDetails().errorCode());
        boolean busy = e.isThrottlingException()
                || switch (code) {
                    case "TransactionConflictException",
                            "TransactionInProgressException",
                            "ProvisionedThroughputExceededException",
                            "ThrottlingException",
                            "RequestLimitExceeded" -> true;
                    default -> false;
                };
        return busy ? new LedgerBusyException("the ledger's table is busy (" + code + ")", e) : e;
    }

    private static Map<String, AttributeValue> key(ItemKey key) {
        return Map.of(PK, AttributeValue.fromS(key.pk()), SK, AttributeValue.fromS(key.sk()));
    }

    private static Map<String, AttributeValue> attributes(ItemKey key, Map<String, Object> attributes) {
        Map<String, AttributeValue> item = new HashMap<>(key(key));
        attributes.forEach((name, value) -> item.put(name, attributeValue(value)));
        return item;
    }

    private static AttributeValue attributeValue(Object value) {
        return value instanceof Long number
                ? AttributeValue.fromN(Long.toString(number))
                : AttributeValue.fromS((String) value);
    }

    private static Item item(Map<String, AttributeValue> stored) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        stored.forEach((name, value) -> {
            if (name.equals(PK) || name.equals(SK)) {
                return;
            }
            if (value.n() != null) {
                attributes.put(name, Long.parseLong(value.n()));
            } else if (value.s() != null) {
                attributes.put(name, value.s());
            }
        });
        return new Item(new ItemKey(stored.get(PK).s(), stored.get(SK).s()), attributes);
    }

    /** Names and values of one expression, each behind a placeholder: {@code #n0}, {@code :v0}. */
    private static final class Placeholders {
        private final Map<String, String> names = new LinkedHashMap<>();
        private final Map<String, String> byName = new HashMap<>();
        private final Map<String, AttributeValue> values = new LinkedHashMap<>();

        String name(String attribute) {
            return byName.computeIfAbsent(attribute, a -> {
                String placeholder = "#n" + names.size();
                names.put(placeholder, a);
                return placeholder;
            });
        }

        String value(Object value) {
            String placeholder = ":v" + values.size();
            values.put(placeholder, attributeValue(value));
            return placeholder;
        }

        Map<String, String> names() {
            return names;
        }

        Map<String, AttributeValue> values() {
            return values;
        }

        /** Sets the condition (when there is one), names and values on a request builder. */
        void apply(
                String condition,
                java.util.function.Consumer<String> conditionSetter,
                java.util.function.Consumer<Map<String, String>> namesSetter,
                java.util.function.Consumer<Map<String, AttributeValue>> valuesSetter) {
            if (!condition.isEmpty()) {
                conditionSetter.accept(condition);
            }
            if (!names.isEmpty()) {
                namesSetter.accept(names);
            }
            if (!values.isEmpty()) {
                valuesSetter.accept(values);
            }
        }

        String condition(Condition condition) {
            return switch (condition) {
                case Condition.And and when and.all().isEmpty() -> "";
                case Condition.And and ->
                    and.all().stream()
                            .map(this::condition)
                            .filter(text -> !text.isEmpty())
                            .map(text -> "(" + text + ")")
                            .reduce((a, b) -> a + " AND " + b)
                            .orElse("");
                case Condition.Or or ->
                    or.any().stream()
                            .map(part -> {
                                String text = condition(part);
                                if (text.isEmpty()) {
                                    throw new IllegalArgumentException("an OR cannot hold an empty condition");
                                }
                                return "(" + text + ")";
                            })
                            .reduce((a, b) -> a + " OR " + b)
                            .orElseThrow();
                case Condition.Not not -> "NOT (" + condition(not.condition()) + ")";
                case Condition.Missing missing ->
                    "attribute_not_exists(" + name(missing.attribute() == null ? PK : missing.attribute()) + ")";
                case Condition.Compare compare ->
                    name(compare.attribute()) + " " + compare.op().symbol() + " " + value(compare.value());
            };
        }

        String changes(List<Change> changes) {
            List<String> sets = new ArrayList<>();
            List<String> adds = new ArrayList<>();
            List<String> removes = new ArrayList<>();
            for (Change change : changes) {
                switch (change) {
                    case Change.Set set -> sets.add(name(set.attribute()) + " = " + value(set.value()));
                    case Change.SetIfAbsent set -> {
                        String name = name(set.attribute());
                        sets.add(name + " = if_not_exists(" + name + ", " + value(set.value()) + ")");
                    }
                    case Change.Add add -> adds.add(name(add.attribute()) + " " + value(add.amount()));
                    case Change.Remove remove -> removes.add(name(remove.attribute()));
                }
            }
            StringBuilder text = new StringBuilder();
            if (!sets.isEmpty()) {
                text.append("SET ").append(String.join(", ", sets));
            }
            if (!adds.isEmpty()) {
                text.append(text.isEmpty() ? "" : " ").append("ADD ").append(String.join(", ", adds));
            }
            if (!removes.isEmpty()) {
                text.append(text.isEmpty() ? "" : " ").append("REMOVE ").append(String.join(", ", removes));
            }
            return text.toString();
        }
    }
}
