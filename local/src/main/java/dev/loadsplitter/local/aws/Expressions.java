package dev.loadsplitter.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Predicate;

/**
 * DynamoDB's condition and update expressions, the part of the language a Lambda function's
 * bookkeeping uses: comparisons ({@code = <> < <= > >=}), {@code BETWEEN}, {@code IN},
 * {@code AND}/{@code OR}/{@code NOT} and parentheses, the functions {@code attribute_exists},
 * {@code attribute_not_exists}, {@code attribute_type}, {@code begins_with}, {@code contains} and
 * {@code size}; updates with {@code SET} (with {@code +}, {@code -}, {@code if_not_exists} and
 * {@code list_append}), {@code REMOVE}, {@code ADD} (numbers and sets) and {@code DELETE} (sets).
 * Paths are attribute names, {@code #placeholders} and map entries ({@code a.b}); values are
 * {@code :placeholders}. Anything else is refused with DynamoDB's {@code ValidationException}.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html
 */
final class Expressions {

    private Expressions() {}

    /** Parses a condition expression (or a filter expression) into a test of an item. */
    static Predicate<Map<String, JsonNode>> condition(
            String text, Map<String, String> names, Map<String, JsonNode> values) {
        Parser parser = new Parser(text, names, values);
        Predicate<Map<String, JsonNode>> condition = parser.or();
        parser.expectEnd();
        return condition;
    }

    /** One action of an update expression, applied to an item in order. */
    interface Action {
        void apply(Map<String, JsonNode> item);
    }

    /** Parses an update expression into its actions. */
    static List<Action> update(String text, Map<String, String> names, Map<String, JsonNode> values) {
        Parser parser = new Parser(text, names, values);
        List<Action> actions = parser.updates();
        parser.expectEnd();
        return actions;
    }

    // ---------------------------------------------------------------------------------------------

    private record Token(String kind, String text) {}

    private static List<Token> tokens(String text) {
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
                throw DynamoDbException.validation(
                        "Invalid expression: unexpected character '" + c + "' at " + i + " in: " + text);
            }
        }
        return tokens;
    }

    /** A path to an attribute: its name and any map entries below it. */
    private record Path(List<String> segments) {

        JsonNode get(Map<String, JsonNode> item) {
            JsonNode value = item.get(segments.getFirst());
            for (int i = 1; i < segments.size() && value != null; i++) {
                value = AttributeValues.entry(value, segments.get(i));
            }
            return value;
        }

        void set(Map<String, JsonNode> item, JsonNode value) {
            if (segments.size() == 1) {
                item.put(segments.getFirst(), value);
                return;
            }
            ObjectNode map = parent(item);
            map.set(segments.getLast(), value);
        }

        void remove(Map<String, JsonNode> item) {
            if (segments.size() == 1) {
                item.remove(segments.getFirst());
                return;
            }
            ObjectNode map = parent(item);
            map.remove(segments.getLast());
        }

        private ObjectNode parent(Map<String, JsonNode> item) {
            JsonNode value = item.get(segments.getFirst());
            for (int i = 1; i < segments.size() - 1 && value != null; i++) {
                value = AttributeValues.entry(value, segments.get(i));
            }
            if (value == null || !"M".equals(AttributeValues.type(value))) {
                throw DynamoDbException.validation("The document path provided in the update expression is invalid "
                        + "for update: " + String.join(".", segments));
            }
            return (ObjectNode) value.get("M");
        }
    }

    /** Something that yields a value from an item: a path, a placeholder, or a function of them. */
    @FunctionalInterface
    private interface Operand {
        JsonNode valueIn(Map<String, JsonNode> item);
    }

    private static final class Parser {

        private final String text;
        private final List<Token> tokens;
        private final Map<String, String> names;
        private final Map<String, JsonNode> values;
        private int at;

        Parser(String text, Map<String, String> names, Map<String, JsonNode> values) {
            this.text = text;
            this.tokens = tokens(text);
            this.names = names;
            this.values = values;
        }

        // -- conditions --

        Predicate<Map<String, JsonNode>> or() {
            Predicate<Map<String, JsonNode>> left = and();
            while (keyword("OR")) {
                Predicate<Map<String, JsonNode>> right = and();
                Predicate<Map<String, JsonNode>> l = left;
                left = item -> l.test(item) || right.test(item);
            }
            return left;
        }

        private Predicate<Map<String, JsonNode>> and() {
            Predicate<Map<String, JsonNode>> left = not();
            while (keyword("AND")) {
                Predicate<Map<String, JsonNode>> right = not();
                Predicate<Map<String, JsonNode>> l = left;
                left = item -> l.test(item) && right.test(item);
            }
            return left;
        }

        private Predicate<Map<String, JsonNode>> not() {
            if (keyword("NOT")) {
                Predicate<Map<String, JsonNode>> inner = not();
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
                        at++;
                        expect("(");
                        Path path = path();
                        expect(")");
                        boolean exists = function.equals("attribute_exists");
                        return item -> (path.get(item) != null) == exists;
                    }
                    case "attribute_type" -> {
                        at++;
                        expect("(");
                        Path path = path();
                        expect(",");
                        JsonNode type = value();
                        expect(")");
                        return item -> path.get(item) != null
                                && AttributeValues.type(path.get(item))
                                        .equals(type.path("S").asText());
                    }
                    case "begins_with" -> {
                        at++;
                        expect("(");
                        Operand subject = operand();
                        expect(",");
                        Operand prefix = operand();
                        expect(")");
                        return item -> {
                            JsonNode s = subject.valueIn(item);
                            JsonNode p = prefix.valueIn(item);
                            return s != null
                                    && p != null
                                    && s.has("S")
                                    && p.has("S")
                                    && s.get("S").asText().startsWith(p.get("S").asText());
                        };
                    }
                    case "contains" -> {
                        at++;
                        expect("(");
                        Operand subject = operand();
                        expect(",");
                        Operand element = operand();
                        expect(")");
                        return item -> contains(subject.valueIn(item), element.valueIn(item));
                    }
                    default -> {
                        // size(path) and others are operands, compared below.
                    }
                }
            }
            Operand left = operand();
            if (keyword("BETWEEN")) {
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
            Operand right = operand();
            String op = comparator.text();
            return item -> {
                JsonNode l = left.valueIn(item);
                JsonNode r = right.valueIn(item);
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
            };
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
                case "SS", "NS" -> {
                    String elementType = type.substring(0, 1);
                    boolean found = false;
                    for (JsonNode member : subject.get(type)) {
                        found |= element.has(elementType)
                                && member.asText()
                                        .equals(element.get(elementType).asText());
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
                at++;
                expect("(");
                Path path = path();
                expect(")");
                return item -> {
                    JsonNode value = path.get(item);
                    if (value == null) {
                        return null;
                    }
                    String type = AttributeValues.type(value);
                    int size = switch (type) {
                        case "S", "B" -> value.get(type).asText().length();
                        default -> value.get(type).size();
                    };
                    return AttributeValues.number(BigDecimal.valueOf(size));
                };
            }
            Path path = path();
            return path::get;
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
                    actions.add(
                            switch (name) {
                                case "SET" -> set();
                                case "REMOVE" -> {
                                    Path path = path();
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
            Path path = path();
            expect("=");
            Operand value = setValue();
            return item -> {
                JsonNode computed = value.valueIn(item);
                if (computed == null) {
                    throw DynamoDbException.validation(
                            "The provided expression refers to an attribute that does not " + "exist in the item");
                }
                path.set(item, computed);
            };
        }

        private Operand setValue() {
            Operand left = setOperand();
            if (symbol("+") || symbol("-")) {
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
                    at++;
                    expect("(");
                    Path path = path();
                    expect(",");
                    Operand fallback = setValue();
                    expect(")");
                    return item -> {
                        JsonNode present = path.get(item);
                        return present != null ? present : fallback.valueIn(item);
                    };
                }
                if (function.equals("list_append")) {
                    at++;
                    expect("(");
                    Operand first = setValue();
                    expect(",");
                    Operand second = setValue();
                    expect(")");
                    return item -> {
                        JsonNode a = first.valueIn(item);
                        JsonNode b = second.valueIn(item);
                        if (a == null || b == null || !a.has("L") || !b.has("L")) {
                            throw DynamoDbException.validation("list_append needs two lists");
                        }
                        ObjectNode list = JsonNodeFactory.instance.objectNode();
                        ArrayNode joined = list.putArray("L");
                        joined.addAll((ArrayNode) a.get("L"));
                        joined.addAll((ArrayNode) b.get("L"));
                        return list;
                    };
                }
                throw invalid("Invalid function name; function: " + next.text());
            }
            return operand();
        }

        private Action add() {
            Path path = path();
            JsonNode value = value();
            String type = AttributeValues.type(value);
            if (!Set.of("N", "SS", "NS", "BS").contains(type)) {
                throw DynamoDbException.validation(
                        "Incorrect operand type for operator or function; operator: ADD, " + "operand type: " + type);
            }
            return item -> {
                JsonNode current = path.get(item);
                if (current == null) {
                    path.set(item, value.deepCopy());
                } else if (type.equals("N")) {
                    path.set(
                            item,
                            AttributeValues.number(AttributeValues.numberOf(
                                            current, path.segments().toString())
                                    .add(AttributeValues.numberOf(value, "the ADD value"))));
                } else {
                    path.set(item, union(current, value, type));
                }
            };
        }

        private Action delete() {
            Path path = path();
            JsonNode value = value();
            String type = AttributeValues.type(value);
            return item -> {
                JsonNode current = path.get(item);
                if (current == null) {
                    return;
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

        private Path path() {
            List<String> segments = new ArrayList<>();
            segments.add(name());
            while (symbol(".")) {
                segments.add(name());
            }
            if (peekSymbol(0, "[")) {
                throw invalid("list elements in paths are not supported here");
            }
            return new Path(segments);
        }

        private String name() {
            Token token = next();
            if (token == null || !token.kind().equals("name")) {
                throw invalid("expected an attribute name");
            }
            if (token.text().startsWith("#")) {
                String name = names.get(token.text());
                if (name == null) {
                    throw DynamoDbException.validation("Value provided in ExpressionAttributeNames unused in "
                            + "expressions or undefined: " + token.text());
                }
                return name;
            }
            return token.text();
        }

        private JsonNode value() {
            Token token = next();
            if (token == null || !token.kind().equals("value")) {
                throw invalid("expected a :value");
            }
            JsonNode value = values.get(token.text());
            if (value == null) {
                throw DynamoDbException.validation("An expression attribute value used in expression is not defined; "
                        + "attribute value: " + token.text());
            }
            return value;
        }

        private boolean keyword(String word) {
            Token token = peek();
            if (token != null && token.kind().equals("name") && token.text().equalsIgnoreCase(word)) {
                at++;
                return true;
            }
            return false;
        }

        private boolean symbol(String symbol) {
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
            return DynamoDbException.validation("Invalid expression: " + problem + " (token " + at + ") in: " + text);
        }
    }
}
