package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Predicate;

/**
 * DynamoDB's expressions, the part of the language a Lambda function's bookkeeping uses: conditions
 * and filters (comparisons {@code = <> < <= > >=}, {@code BETWEEN}, {@code IN}, {@code AND}/{@code OR}/
 * {@code NOT} and parentheses, the functions {@code attribute_exists}, {@code attribute_not_exists},
 * {@code attribute_type}, {@code begins_with}, {@code contains} and {@code size}); updates ({@code SET}
 * with {@code +}, {@code -}, {@code if_not_exists} and {@code list_append}, {@code REMOVE}, {@code ADD}
 * for numbers and sets, {@code DELETE} for sets); projections; and a Query's key condition. Paths are
 * attribute names, {@code #placeholders}, map entries ({@code a.b}) and list elements ({@code a[2]});
 * values are {@code :placeholders}. An attribute named by one of DynamoDB's reserved words must go through a
 * placeholder. Anything else is refused with DynamoDB's {@code ValidationException}.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ReservedWords.html
 *
 * <p>An expression may be at most 4 KB long with at most 300 operators and functions, and, as a
 * document path may be at most 32 levels deep, this parser nests parentheses, {@code NOT}s and
 * functions at most 32 deep: a bounded recursion, whatever a request holds.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html#limits-expression-parameters
 */
final class Expressions {

    /** DynamoDB's limit on an expression's length, in bytes. */
    static final int MAX_LENGTH = 4096;
    /** DynamoDB's limit on the operators and functions of one expression. */
    static final int MAX_OPERATORS = 300;
    /** How deep parentheses, NOTs and functions nest; DynamoDB's limit on a document path's depth. */
    static final int MAX_DEPTH = 32;

    /** DynamoDB's reserved words, which an expression may use as attribute names only through a #placeholder. */
    private static final Set<String> RESERVED = reservedWords();

    private Expressions() {}

    private static Set<String> reservedWords() {
        try (var in = Expressions.class.getResourceAsStream("reserved-words.txt")) {
            if (in == null) {
                throw new IllegalStateException("reserved-words.txt is missing beside " + Expressions.class);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .collect(java.util.stream.Collectors.toUnmodifiableSet());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Could not read DynamoDB's reserved words", e);
        }
    }

    /** A test of an item, from a ConditionExpression or a FilterExpression ({@code kind}, for messages). */
    static Predicate<Map<String, JsonNode>> condition(String kind, String text, Placeholders placeholders) {
        Parser parser = new Parser(kind, text, placeholders);
        Predicate<Map<String, JsonNode>> condition = parser.or();
        parser.expectEnd();
        return condition;
    }

    /** One action of an update expression, applied to an item in order. */
    interface Action {
        void apply(Map<String, JsonNode> item);
    }

    /** The actions of an UpdateExpression. */
    static List<Action> update(String text, Placeholders placeholders) {
        Parser parser = new Parser("UpdateExpression", text, placeholders);
        List<Action> actions = parser.updates();
        parser.expectEnd();
        return actions;
    }

    /** The paths of a ProjectionExpression. */
    static List<DocumentPath> projection(String text, Placeholders placeholders) {
        Parser parser = new Parser("ProjectionExpression", text, placeholders);
        List<DocumentPath> paths = new ArrayList<>();
        do {
            paths.add(parser.path());
        } while (parser.symbol(","));
        parser.expectEnd();
        return paths;
    }

    /** A Query's KeyConditionExpression against the table's key schema. */
    static KeyCondition keyCondition(String text, Placeholders placeholders, TableSchema schema) {
        Parser parser = new Parser("KeyConditionExpression", text, placeholders);
        KeyCondition condition = parser.keyCondition(schema);
        parser.expectEnd();
        return condition;
    }

    // ---------------------------------------------------------------------------------------------

    private record Token(String kind, String text) {}

    private static List<Token> tokens(String kind, String text) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (Character.isLetter(c) || c == '_' || c == '#' || c == ':') {
                int start = i++;
                while (i < text.length()
                        && (Character.isLetterOrDigit(text.charAt(i))
                                || text.charAt(i) == '_'
                                || text.charAt(i) == '-')) {
                    i++;
                }
                String word = text.substring(start, i);
                tokens.add(new Token(c == ':' ? "value" : "name", word));
            } else if (Character.isDigit(c)) {
                int start = i;
                while (i < text.length() && Character.isDigit(text.charAt(i))) {
                    i++;
                }
                tokens.add(new Token("number", text.substring(start, i)));
            } else if (text.startsWith("<>", i) || text.startsWith("<=", i) || text.startsWith(">=", i)) {
                tokens.add(new Token("symbol", text.substring(i, i + 2)));
                i += 2;
            } else if ("()=<>,.+-[]".indexOf(c) >= 0) {
                tokens.add(new Token("symbol", Character.toString(c)));
                i++;
            } else {
                throw DynamoDbException.validation("Invalid " + kind + ": Syntax error; unexpected character '" + c
                        + "' at " + i + " in: " + text);
            }
        }
        return tokens;
    }

    /** Something that yields a value from an item: a path, a placeholder, or a function of them. */
    @FunctionalInterface
    private interface Operand {
        JsonNode valueIn(Map<String, JsonNode> item);
    }

    private static final class Parser {

        private final String kind;
        private final String text;
        private final List<Token> tokens;
        private final Placeholders placeholders;
        private int at;
        private int depth;
        private int operators;

        Parser(String kind, String text, Placeholders placeholders) {
            this.kind = kind;
            this.text = text;
            int bytes = text.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_LENGTH) {
                throw DynamoDbException.validation("Invalid " + kind + ": Expression size has exceeded the maximum "
                        + "allowed size; expression size: " + bytes + " bytes, the limit is " + MAX_LENGTH);
            }
            if (text.isBlank()) {
                throw DynamoDbException.validation("Invalid " + kind + ": The expression can not be empty;");
            }
            this.tokens = tokens(kind, text);
            this.placeholders = placeholders;
        }

        /** Enters one level of nesting, refusing to go deeper than {@link #MAX_DEPTH}. */
        private void enter() {
            if (++depth > MAX_DEPTH) {
                throw DynamoDbException.validation("Invalid " + kind + ": The expression is nested too deeply: more "
                        + "than " + MAX_DEPTH + " levels of parentheses, NOT and functions (token " + at
                        + "); simplify it");
            }
        }

        private void leave() {
            depth--;
        }

        private void countOperator() {
            if (++operators > MAX_OPERATORS) {
                throw DynamoDbException.validation("Invalid " + kind + ": The expression contains too many operators "
                        + "and functions; the limit is " + MAX_OPERATORS);
            }
        }

        // -- conditions --

        Predicate<Map<String, JsonNode>> or() {
            enter();
            Predicate<Map<String, JsonNode>> left = and();
            while (keyword("OR")) {
                countOperator();
                Predicate<Map<String, JsonNode>> right = and();
                Predicate<Map<String, JsonNode>> l = left;
                left = item -> l.test(item) || right.test(item);
            }
            leave();
            return left;
        }

        private Predicate<Map<String, JsonNode>> and() {
            Predicate<Map<String, JsonNode>> left = not();
            while (keyword("AND")) {
                countOperator();
                Predicate<Map<String, JsonNode>> right = not();
                Predicate<Map<String, JsonNode>> l = left;
                left = item -> l.test(item) && right.test(item);
            }
            return left;
        }

        private Predicate<Map<String, JsonNode>> not() {
            if (keyword("NOT")) {
                countOperator();
                enter();
                Predicate<Map<String, JsonNode>> inner = not();
                leave();
                return inner.negate();
            }
            return primary();
        }

        private Predicate<Map<String, JsonNode>> primary() {
            if (symbol("(")) {
                Predicate<Map<String, JsonNode>> inner = or();
                expect(")");
                return inner;
            }
            Token next = peek();
            if (next != null && next.kind().equals("name") && peekSymbol(1, "(")) {
                String function = next.text().toLowerCase(Locale.ROOT);
                switch (function) {
                    case "attribute_exists", "attribute_not_exists" -> {
                        functionStart();
                        DocumentPath path = path();
                        functionEnd();
                        boolean exists = function.equals("attribute_exists");
                        return item -> (path.get(item) != null) == exists;
                    }
                    case "attribute_type" -> {
                        functionStart();
                        DocumentPath path = path();
                        expect(",");
                        JsonNode type = value();
                        functionEnd();
                        return item -> path.get(item) != null
                                && AttributeValues.type(path.get(item))
                                        .equals(type.path("S").asText());
                    }
                    case "begins_with" -> {
                        functionStart();
                        Operand subject = operand();
                        expect(",");
                        Operand prefix = operand();
                        functionEnd();
                        return item -> beginsWith(subject.valueIn(item), prefix.valueIn(item));
                    }
                    case "contains" -> {
                        functionStart();
                        Operand subject = operand();
                        expect(",");
                        Operand element = operand();
                        functionEnd();
                        return item -> contains(subject.valueIn(item), element.valueIn(item));
                    }
                    default -> {
                        // size(path) and others are operands, compared below.
                    }
                }
            }
            Operand left = operand();
            if (keyword("BETWEEN")) {
                countOperator();
                Operand low = operand();
                if (!keyword("AND")) {
                    throw invalid("BETWEEN needs AND");
                }
                Operand high = operand();
                return item -> {
                    JsonNode value = left.valueIn(item);
                    OptionalInt fromLow = AttributeValues.compare(value, low.valueIn(item));
                    OptionalInt toHigh = AttributeValues.compare(value, high.valueIn(item));
                    return fromLow.isPresent()
                            && toHigh.isPresent()
                            && fromLow.getAsInt() >= 0
                            && toHigh.getAsInt() <= 0;
                };
            }
            if (keyword("IN")) {
                countOperator();
                expect("(");
                List<Operand> candidates = new ArrayList<>();
                do {
                    candidates.add(operand());
                } while (symbol(","));
                expect(")");
                return item -> {
                    JsonNode value = left.valueIn(item);
                    return candidates.stream()
                            .anyMatch(candidate -> AttributeValues.same(value, candidate.valueIn(item)));
                };
            }
            Token comparator = next();
            if (comparator == null
                    || !comparator.kind().equals("symbol")
                    || !Set.of("=", "<>", "<", "<=", ">", ">=").contains(comparator.text())) {
                throw invalid("expected a comparator after an operand");
            }
            countOperator();
            Operand right = operand();
            String op = comparator.text();
            return item -> compare(op, left.valueIn(item), right.valueIn(item));
        }

        private static boolean compare(String op, JsonNode l, JsonNode r) {
            return switch (op) {
                case "=" -> AttributeValues.same(l, r);
                case "<>" -> l != null && r != null && !AttributeValues.same(l, r);
                default -> {
                    OptionalInt order = AttributeValues.compare(l, r);
                    yield order.isPresent()
                            && switch (op) {
                                case "<" -> order.getAsInt() < 0;
                                case "<=" -> order.getAsInt() <= 0;
                                case ">" -> order.getAsInt() > 0;
                                default -> order.getAsInt() >= 0;
                            };
                }
            };
        }

        private static boolean beginsWith(JsonNode subject, JsonNode prefix) {
            if (subject == null || prefix == null) {
                return false;
            }
            if (subject.has("S") && prefix.has("S")) {
                return subject.get("S").asText().startsWith(prefix.get("S").asText());
            }
            if (subject.has("B") && prefix.has("B")) {
                byte[] bytes = AttributeValues.bytes(subject);
                byte[] start = AttributeValues.bytes(prefix);
                return bytes.length >= start.length
                        && java.util.Arrays.equals(bytes, 0, start.length, start, 0, start.length);
            }
            return false;
        }

        private void functionStart() {
            countOperator();
            at++;
            expect("(");
            enter();
        }

        private void functionEnd() {
            leave();
            expect(")");
        }

        private static boolean contains(JsonNode subject, JsonNode element) {
            if (subject == null || element == null) {
                return false;
            }
            String type = AttributeValues.type(subject);
            return switch (type) {
                case "S" ->
                    element.has("S")
                            && subject.get("S")
                                    .asText()
                                    .contains(element.get("S").asText());
                case "SS", "NS", "BS" -> {
                    String elementType = type.substring(0, 1);
                    boolean found = false;
                    for (JsonNode member : subject.get(type)) {
                        found |= element.has(elementType)
                                && AttributeValues.same(
                                        JsonNodeFactory.instance.objectNode().set(elementType, member), element);
                    }
                    yield found;
                }
                case "L" -> {
                    boolean found = false;
                    for (JsonNode member : subject.get("L")) {
                        found |= AttributeValues.same(member, element);
                    }
                    yield found;
                }
                default -> false;
            };
        }

        private Operand operand() {
            Token next = peek();
            if (next == null) {
                throw invalid("expected an operand");
            }
            if (next.kind().equals("value")) {
                JsonNode value = value();
                return item -> value;
            }
            if (next.kind().equals("name") && next.text().equalsIgnoreCase("size") && peekSymbol(1, "(")) {
                functionStart();
                DocumentPath path = path();
                functionEnd();
                return item -> {
                    JsonNode value = path.get(item);
                    if (value == null) {
                        return null;
                    }
                    String type = AttributeValues.type(value);
                    int size = switch (type) {
                        case "S" -> AttributeValues.utf8Length(value.get("S").asText());
                        case "B" -> AttributeValues.bytes(value).length;
                        case "N", "BOOL", "NULL" -> -1;
                        default -> value.get(type).size();
                    };
                    return size < 0 ? null : AttributeValues.number(BigDecimal.valueOf(size));
                };
            }
            DocumentPath path = path();
            return path::get;
        }

        // -- key conditions --

        KeyCondition keyCondition(TableSchema schema) {
            KeyCondition.Builder builder = new KeyCondition.Builder(schema);
            keyClause(builder, schema);
            while (keyword("AND")) {
                keyClause(builder, schema);
            }
            return builder.build();
        }

        private void keyClause(KeyCondition.Builder builder, TableSchema schema) {
            if (symbol("(")) {
                enter();
                keyClause(builder, schema);
                while (keyword("AND")) {
                    keyClause(builder, schema);
                }
                leave();
                expect(")");
                return;
            }
            Token next = peek();
            if (next != null && next.kind().equals("name") && peekSymbol(1, "(")) {
                if (!next.text().equalsIgnoreCase("begins_with")) {
                    throw DynamoDbException.validation("Invalid KeyConditionExpression: Invalid function name; "
                            + "function: " + next.text() + " (a key condition takes begins_with only)");
                }
                functionStart();
                String attribute = keyName();
                expect(",");
                JsonNode prefix = value();
                functionEnd();
                builder.beginsWith(attribute, prefix);
                return;
            }
            String attribute = keyName();
            if (keyword("BETWEEN")) {
                JsonNode low = value();
                if (!keyword("AND")) {
                    throw invalid("BETWEEN needs AND");
                }
                JsonNode high = value();
                builder.between(attribute, low, high);
                return;
            }
            Token comparator = next();
            if (comparator == null
                    || !comparator.kind().equals("symbol")
                    || !Set.of("=", "<", "<=", ">", ">=").contains(comparator.text())) {
                throw DynamoDbException.validation("Invalid operator used in KeyConditionExpression: "
                        + (comparator == null ? "(end)" : comparator.text())
                        + "; a key condition takes =, <, <=, >, >=, BETWEEN and begins_with");
            }
            builder.compare(attribute, comparator.text(), value());
        }

        private String keyName() {
            DocumentPath path = path();
            if (path.segments().size() != 1) {
                throw DynamoDbException.validation("Invalid KeyConditionExpression: a key condition names key "
                        + "attributes, not the document path " + path);
            }
            return path.attribute();
        }

        // -- updates --

        List<Action> updates() {
            List<Action> actions = new ArrayList<>();
            Set<String> clauses = new LinkedHashSet<>();
            while (peek() != null) {
                Token clause = next();
                String name = clause.text().toUpperCase(Locale.ROOT);
                if (!clause.kind().equals("name") || !clauses.add(name)) {
                    throw invalid(
                            clauses.contains(name)
                                    ? "The " + name + " section can only be used once"
                                    : "expected SET, REMOVE, ADD or DELETE");
                }
                do {
                    countOperator();
                    actions.add(
                            switch (name) {
                                case "SET" -> set();
                                case "REMOVE" -> {
                                    DocumentPath path = path();
                                    yield path::remove;
                                }
                                case "ADD" -> add();
                                case "DELETE" -> delete();
                                default -> throw invalid("expected SET, REMOVE, ADD or DELETE, got " + clause.text());
                            });
                } while (symbol(","));
            }
            if (actions.isEmpty()) {
                throw invalid("the update expression is empty");
            }
            return actions;
        }

        private Action set() {
            DocumentPath path = path();
            expect("=");
            Operand value = setValue();
            return item -> {
                JsonNode computed = value.valueIn(item);
                if (computed == null) {
                    throw DynamoDbException.validation(
                            "The provided expression refers to an attribute that does not exist in the item");
                }
                path.set(item, computed);
            };
        }

        private Operand setValue() {
            Operand left = setOperand();
            if (symbol("+") || symbol("-")) {
                countOperator();
                boolean plus = tokens.get(at - 1).text().equals("+");
                Operand right = setOperand();
                return item -> {
                    JsonNode l = left.valueIn(item);
                    JsonNode r = right.valueIn(item);
                    if (l == null || r == null) {
                        return null;
                    }
                    BigDecimal a = AttributeValues.numberOf(l, "the left operand");
                    BigDecimal b = AttributeValues.numberOf(r, "the right operand");
                    return AttributeValues.number(plus ? a.add(b) : a.subtract(b));
                };
            }
            return left;
        }

        private Operand setOperand() {
            Token next = peek();
            if (next != null && next.kind().equals("name") && peekSymbol(1, "(")) {
                String function = next.text().toLowerCase(Locale.ROOT);
                if (function.equals("if_not_exists")) {
                    functionStart();
                    DocumentPath path = path();
                    expect(",");
                    Operand fallback = setValue();
                    functionEnd();
                    return item -> {
                        JsonNode present = path.get(item);
                        return present != null ? present : fallback.valueIn(item);
                    };
                }
                if (function.equals("list_append")) {
                    functionStart();
                    Operand first = setValue();
                    expect(",");
                    Operand second = setValue();
                    functionEnd();
                    return item -> {
                        JsonNode a = first.valueIn(item);
                        JsonNode b = second.valueIn(item);
                        if (a == null || b == null || !a.has("L") || !b.has("L")) {
                            throw DynamoDbException.validation("An operand in the update expression has an incorrect "
                                    + "data type: list_append needs two lists");
                        }
                        ObjectNode list = JsonNodeFactory.instance.objectNode();
                        ArrayNode joined = list.putArray("L");
                        a.get("L").forEach(element -> joined.add(element.deepCopy()));
                        b.get("L").forEach(element -> joined.add(element.deepCopy()));
                        return list;
                    };
                }
                throw invalid("Invalid function name; function: " + next.text());
            }
            return operand();
        }

        private Action add() {
            DocumentPath path = path();
            JsonNode value = value();
            String type = AttributeValues.type(value);
            if (!Set.of("N", "SS", "NS", "BS").contains(type)) {
                throw DynamoDbException.validation(
                        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, "
                                + "operand type: " + type);
            }
            return item -> {
                JsonNode current = path.get(item);
                if (current == null) {
                    path.set(item, value.deepCopy());
                } else if (type.equals("N")) {
                    path.set(
                            item,
                            AttributeValues.number(AttributeValues.numberOf(current, path.toString())
                                    .add(AttributeValues.numberOf(value, "the ADD value"))));
                } else {
                    path.set(item, union(current, value, type));
                }
            };
        }

        private Action delete() {
            DocumentPath path = path();
            JsonNode value = value();
            String type = AttributeValues.type(value);
            if (!Set.of("SS", "NS", "BS").contains(type)) {
                throw DynamoDbException.validation(
                        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, "
                                + "operand type: " + type);
            }
            return item -> {
                JsonNode current = path.get(item);
                if (current == null) {
                    return;
                }
                if (!current.has(type)) {
                    throw DynamoDbException.validation(
                            "An operand in the update expression has an incorrect data type: " + path + " is not "
                                    + type);
                }
                Set<String> remaining = new LinkedHashSet<>();
                current.get(type).forEach(member -> remaining.add(member.asText()));
                value.get(type).forEach(member -> remaining.remove(member.asText()));
                if (remaining.isEmpty()) {
                    path.remove(item);
                } else {
                    ObjectNode set = JsonNodeFactory.instance.objectNode();
                    ArrayNode members = set.putArray(type);
                    remaining.forEach(members::add);
                    path.set(item, set);
                }
            };
        }

        private static JsonNode union(JsonNode current, JsonNode value, String type) {
            if (!current.has(type)) {
                throw DynamoDbException.validation("An operand in the update expression has an incorrect data type");
            }
            Set<String> members = new LinkedHashSet<>();
            current.get(type).forEach(member -> members.add(member.asText()));
            value.get(type).forEach(member -> members.add(member.asText()));
            ObjectNode set = JsonNodeFactory.instance.objectNode();
            ArrayNode array = set.putArray(type);
            members.forEach(array::add);
            return set;
        }

        // -- pieces --

        DocumentPath path() {
            List<Object> segments = new ArrayList<>();
            segments.add(name());
            while (true) {
                if (symbol(".")) {
                    segments.add(name());
                } else if (symbol("[")) {
                    Token index = next();
                    if (index == null || !index.kind().equals("number")) {
                        throw invalid("a list index is a number, as in a[2]");
                    }
                    segments.add(Integer.parseInt(index.text()));
                    expect("]");
                } else {
                    break;
                }
                if (segments.size() > MAX_DEPTH) {
                    throw DynamoDbException.validation("Invalid " + kind + ": The document path is nested too deeply: "
                            + "more than " + MAX_DEPTH + " levels in " + String.valueOf(segments));
                }
            }
            return new DocumentPath(segments);
        }

        private String name() {
            Token token = next();
            if (token == null || !token.kind().equals("name")) {
                throw invalid("expected an attribute name");
            }
            if (token.text().startsWith("#")) {
                return placeholders.name(token.text());
            }
            if (RESERVED.contains(token.text().toUpperCase(Locale.ROOT))) {
                throw DynamoDbException.validation("Invalid " + kind + ": Attribute name is a reserved keyword; "
                        + "reserved keyword: " + token.text());
            }
            return token.text();
        }

        private JsonNode value() {
            Token token = next();
            if (token == null || !token.kind().equals("value")) {
                throw invalid("expected a :value");
            }
            return placeholders.value(token.text());
        }

        private boolean keyword(String word) {
            Token token = peek();
            if (token != null && token.kind().equals("name") && token.text().equalsIgnoreCase(word)) {
                at++;
                return true;
            }
            return false;
        }

        boolean symbol(String symbol) {
            if (peekSymbol(0, symbol)) {
                at++;
                return true;
            }
            return false;
        }

        private boolean peekSymbol(int ahead, String symbol) {
            int index = at + ahead;
            return index < tokens.size()
                    && tokens.get(index).kind().equals("symbol")
                    && tokens.get(index).text().equals(symbol);
        }

        private void expect(String symbol) {
            if (!symbol(symbol)) {
                throw invalid("expected '" + symbol + "'");
            }
        }

        private Token peek() {
            return at < tokens.size() ? tokens.get(at) : null;
        }

        private Token next() {
            return at < tokens.size() ? tokens.get(at++) : null;
        }

        void expectEnd() {
            if (at < tokens.size()) {
                throw invalid("unexpected '" + tokens.get(at).text() + "'");
            }
        }

        private DynamoDbException invalid(String problem) {
            return DynamoDbException.validation(
                    "Invalid " + kind + ": Syntax error; " + problem + " (token " + at + ") in: " + text);
        }
    }
}
