package dev.loadsplitter.deploy;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Evaluates a Terraform expression without a Terraform binary, as Terraform 1.11 does: numbers, strings,
 * {@code true}, {@code false}, {@code null} and lists; {@code var.} and {@code local.} references (a local is
 * evaluated from its own expression); {@code + - * / %}, comparisons, {@code ==}, {@code !=}, {@code !},
 * {@code &&}, {@code ||} and the conditional {@code ?:}; the functions {@code max}, {@code min}, {@code floor},
 * {@code tostring}, {@code contains}, {@code regex}, {@code can} and {@code try}. Enough to check
 * that a validation or a precondition refuses what it should and lets the rest through, and what a derived
 * setting comes to.
 *
 * <p>Like Terraform 1.11.4 (measured here; {@code required_version} lets 1.5 on), {@code &&} and {@code ||}
 * evaluate both sides, and an arithmetic or comparison operand that is {@code null} fails ("argument must not be
 * null"): {@code var.x == null || var.x >= 2} fails for a null {@code x}. Only the conditional leaves the branch
 * it does not take unevaluated, so {@code var.x == null ? true : var.x >= 2} is the form that holds.
 */
final class Expression {

    private final String text;
    private final Map<String, ?> variables;
    private final Map<String, String> locals;
    private int at;

    private Expression(String text, Map<String, ?> variables, Map<String, String> locals) {
        this.text = text;
        this.variables = variables;
        this.locals = locals;
    }

    /** A condition with {@code var.} references only. */
    static boolean condition(String expression, Map<String, ?> variables) {
        return condition(expression, variables, Map.of());
    }

    /** A condition that may name {@code locals} too, given by their expressions. */
    static boolean condition(String expression, Map<String, ?> variables, Map<String, String> locals) {
        Object value = value(expression, variables, locals);
        if (!(value instanceof Boolean result)) {
            throw new IllegalArgumentException("'" + expression + "' is not a condition: it evaluates to " + value);
        }
        return result;
    }

    /** A number. */
    static BigDecimal number(String expression, Map<String, ?> variables, Map<String, String> locals) {
        Object value = value(expression, variables, locals);
        if (!(value instanceof BigDecimal number)) {
            throw new IllegalArgumentException("'" + expression + "' is not a number: it evaluates to " + value);
        }
        return number;
    }

    /** Any value: a {@link BigDecimal}, {@link String}, {@link Boolean}, {@link List} or {@code null}. */
    static Object value(String expression, Map<String, ?> variables, Map<String, String> locals) {
        String body = expression.strip();
        if (body.startsWith("${") && body.endsWith("}")) {
            body = body.substring(2, body.length() - 1);
        }
        Expression parser = new Expression(body, variables, locals);
        Node node = parser.conditional();
        parser.skipSpaces();
        if (parser.at != body.length()) {
            throw new IllegalArgumentException("Cannot evaluate '" + body + "' past position " + parser.at);
        }
        return node.evaluate();
    }

    /** A parsed expression, evaluated on demand: the conditional evaluates one branch only. */
    @FunctionalInterface
    private interface Node {
        Object evaluate();
    }

    /**
     * An error Terraform itself would raise (a null operand, a wrong type, a {@code regex} that matches nothing):
     * what {@code can} and {@code try} catch. What this class cannot evaluate is a plain
     * {@link IllegalArgumentException}, which they let through.
     */
    static final class TerraformError extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        TerraformError(String message) {
            super(message);
        }
    }

    private Node conditional() {
        Node condition = or();
        if (!consume("?")) {
            return condition;
        }
        Node whenTrue = conditional();
        expect(":");
        Node whenFalse = conditional();
        return () -> truth(condition.evaluate(), "?:") ? whenTrue.evaluate() : whenFalse.evaluate();
    }

    private Node or() {
        Node left = and();
        while (consume("||")) {
            Node l = left;
            Node right = and();
            left = () -> {
                Object a = l.evaluate();
                Object b = right.evaluate();
                return truth(a, "||") | truth(b, "||");
            };
        }
        return left;
    }

    private Node and() {
        Node left = equality();
        while (consume("&&")) {
            Node l = left;
            Node right = equality();
            left = () -> {
                Object a = l.evaluate();
                Object b = right.evaluate();
                return truth(a, "&&") & truth(b, "&&");
            };
        }
        return left;
    }

    private Node equality() {
        Node left = relational();
        if (consume("==")) {
            Node right = relational();
            return () -> same(left.evaluate(), right.evaluate());
        }
        if (consume("!=")) {
            Node right = relational();
            return () -> !same(left.evaluate(), right.evaluate());
        }
        return left;
    }

    private Node relational() {
        Node left = additive();
        for (String operator : List.of("<=", ">=", "<", ">")) {
            if (consume(operator)) {
                Node right = additive();
                return () -> {
                    int order = numeric(left.evaluate(), operator).compareTo(numeric(right.evaluate(), operator));
                    return switch (operator) {
                        case "<=" -> order <= 0;
                        case ">=" -> order >= 0;
                        case "<" -> order < 0;
                        default -> order > 0;
                    };
                };
            }
        }
        return left;
    }

    private Node additive() {
        Node left = multiplicative();
        while (true) {
            skipSpaces();
            if (peek('+') || peek('-')) {
                char operator = text.charAt(at++);
                Node l = left;
                Node right = multiplicative();
                left = () -> {
                    BigDecimal a = numeric(l.evaluate(), String.valueOf(operator));
                    BigDecimal b = numeric(right.evaluate(), String.valueOf(operator));
                    return operator == '+' ? a.add(b) : a.subtract(b);
                };
            } else {
                return left;
            }
        }
    }

    private Node multiplicative() {
        Node left = unary();
        while (true) {
            skipSpaces();
            if (peek('*') || peek('/') || peek('%')) {
                char operator = text.charAt(at++);
                Node l = left;
                Node right = unary();
                left = () -> {
                    BigDecimal a = numeric(l.evaluate(), String.valueOf(operator));
                    BigDecimal b = numeric(right.evaluate(), String.valueOf(operator));
                    return switch (operator) {
                        case '*' -> a.multiply(b);
                        case '/' -> a.divide(b, MathContext.DECIMAL128);
                        default -> a.remainder(b);
                    };
                };
            } else {
                return left;
            }
        }
    }

    private Node unary() {
        skipSpaces();
        if (peek('!') && !text.startsWith("!=", at)) {
            at++;
            Node operand = unary();
            return () -> !truth(operand.evaluate(), "!");
        }
        if (peek('-')) {
            at++;
            Node operand = unary();
            return () -> numeric(operand.evaluate(), "-").negate();
        }
        return primary();
    }

    private Node primary() {
        skipSpaces();
        if (consume("(")) {
            Node inner = conditional();
            expect(")");
            return inner;
        }
        if (consume("[")) {
            List<Node> elements = new ArrayList<>();
            while (!consume("]")) {
                elements.add(conditional());
                if (!consume(",")) {
                    expect("]");
                    break;
                }
            }
            return () -> elements.stream().map(Node::evaluate).toList();
        }
        if (peek('"')) {
            String value = string();
            return () -> value;
        }
        int start = at;
        while (at < text.length()
                && (Character.isLetterOrDigit(text.charAt(at)) || "._".indexOf(text.charAt(at)) >= 0)) {
            at++;
        }
        String token = text.substring(start, at);
        if (token.isEmpty()) {
            throw new IllegalArgumentException("Expected a value in '" + text + "' at " + at);
        }
        if (consume("(")) {
            return call(token);
        }
        if (Character.isDigit(token.charAt(0))) {
            BigDecimal number = new BigDecimal(token);
            return () -> number;
        }
        if (token.startsWith("var.")) {
            String name = token.substring("var.".length());
            return () -> {
                if (!variables.containsKey(name)) {
                    throw new IllegalArgumentException(token + " is not given to the evaluation of '" + text + "'");
                }
                return normalise(variables.get(name));
            };
        }
        if (token.startsWith("local.")) {
            String name = token.substring("local.".length());
            return () -> {
                String expression = locals.get(name);
                if (expression == null) {
                    throw new IllegalArgumentException(token + " is not given to the evaluation of '" + text + "'");
                }
                return value(expression, variables, locals);
            };
        }
        return switch (token) {
            case "true" -> () -> true;
            case "false" -> () -> false;
            case "null" -> () -> null;
            // Resources, data sources and the rest: an error only when the branch they are in is taken.
            default ->
                () -> {
                    throw new IllegalArgumentException("Cannot evaluate '" + token + "' in '" + text + "'");
                };
        };
    }

    private Node call(String function) {
        List<Node> arguments = new ArrayList<>();
        while (!consume(")")) {
            arguments.add(conditional());
            if (!consume(",")) {
                expect(")");
                break;
            }
        }
        return switch (function) {
            case "max", "min" ->
                () -> arguments.stream()
                        .map(argument -> numeric(argument.evaluate(), function))
                        .reduce(function.equals("max") ? BigDecimal::max : BigDecimal::min)
                        .orElseThrow(() -> new IllegalArgumentException(function + "() needs an argument"));
            case "floor" ->
                () -> numeric(single(function, arguments).evaluate(), function).setScale(0, RoundingMode.FLOOR);
            case "tostring" ->
                () -> {
                    Object value = single(function, arguments).evaluate();
                    return value instanceof BigDecimal number
                            ? number.stripTrailingZeros().toPlainString()
                            : value == null ? null : String.valueOf(value);
                };
            case "contains" ->
                () -> {
                    if (arguments.size() != 2 || !(arguments.get(0).evaluate() instanceof List<?> list)) {
                        throw new IllegalArgumentException("contains() takes a list and a value in '" + text + "'");
                    }
                    Object value = arguments.get(1).evaluate();
                    return list.stream().anyMatch(element -> same(element, value));
                };
            case "regex" ->
                () -> {
                    if (arguments.size() != 2) {
                        throw new IllegalArgumentException("regex() takes a pattern and a string in '" + text + "'");
                    }
                    String pattern =
                            (String) Objects.requireNonNull(arguments.get(0).evaluate(), "pattern");
                    Object subject = arguments.get(1).evaluate();
                    if (!(subject instanceof String string)) {
                        throw new TerraformError("regex() needs a string, got " + subject);
                    }
                    var matcher = Pattern.compile(pattern).matcher(string);
                    if (!matcher.find()) {
                        throw new TerraformError("pattern did not match any part of the given string");
                    }
                    return matcher.group();
                };
            case "can" ->
                () -> {
                    try {
                        single(function, arguments).evaluate();
                        return true;
                    } catch (TerraformError e) {
                        return false;
                    }
                };
            case "try" ->
                () -> {
                    TerraformError last = new TerraformError("try() needs an argument");
                    for (Node argument : arguments) {
                        try {
                            return argument.evaluate();
                        } catch (TerraformError e) {
                            last = e;
                        }
                    }
                    throw last;
                };
            default -> throw new IllegalArgumentException("The function " + function + "() is not supported here");
        };
    }

    private Node single(String function, List<Node> arguments) {
        if (arguments.size() != 1) {
            throw new IllegalArgumentException(function + "() takes one argument in '" + text + "'");
        }
        return arguments.getFirst();
    }

    private String string() {
        StringBuilder value = new StringBuilder();
        at++;
        while (at < text.length() && text.charAt(at) != '"') {
            char c = text.charAt(at++);
            if (c == '\\' && at < text.length()) {
                char escaped = text.charAt(at++);
                value.append(
                        switch (escaped) {
                            case 'n' -> '\n';
                            case 't' -> '\t';
                            default -> escaped;
                        });
            } else if (c == '$' && at < text.length() && text.charAt(at) == '{') {
                throw new IllegalArgumentException("String templates are not supported here: '" + text + "'");
            } else {
                value.append(c);
            }
        }
        expect("\"");
        return value.toString();
    }

    private static Object normalise(Object value) {
        return switch (value) {
            case BigDecimal number -> number;
            case Long number -> BigDecimal.valueOf(number);
            case Integer number -> BigDecimal.valueOf(number);
            case Double number -> BigDecimal.valueOf(number);
            case null -> null;
            default -> value;
        };
    }

    private static boolean same(Object left, Object right) {
        if (left instanceof BigDecimal a && right instanceof BigDecimal b) {
            return a.compareTo(b) == 0;
        }
        return Objects.equals(left, right);
    }

    private static boolean truth(Object value, String operator) {
        if (value instanceof Boolean bool) {
            return bool;
        }
        throw new TerraformError(
                value == null
                        ? "argument must not be null (" + operator + ")"
                        : operator + " expects a bool, got " + value);
    }

    private static BigDecimal numeric(Object value, String operator) {
        if (value instanceof BigDecimal number) {
            return number;
        }
        throw new TerraformError(
                value == null
                        ? "argument must not be null (" + operator + ")"
                        : operator + " expects a number, got " + value);
    }

    private void expect(String token) {
        if (!consume(token)) {
            throw new IllegalArgumentException("Missing '" + token + "' in '" + text + "' at " + at);
        }
    }

    private boolean consume(String operator) {
        skipSpaces();
        if (text.startsWith(operator, at)) {
            at += operator.length();
            return true;
        }
        return false;
    }

    private boolean peek(char c) {
        return at < text.length() && text.charAt(at) == c;
    }

    private void skipSpaces() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
    }
}
