package dev.loadsplitter.deploy;

import java.util.Map;
import java.util.Objects;

/**
 * Evaluates the boolean part of a Terraform expression such as
 * {@code var.dispatch != "invoke" || var.reserved_concurrency != -1}, with variables given by the
 * test: {@code ||}, {@code &&}, {@code !}, {@code ==}, {@code !=}, parentheses, {@code var.} references,
 * strings, whole numbers, {@code true}, {@code false} and {@code null}. Enough to check that a
 * precondition refuses what it should and lets the rest through, without a Terraform binary.
 */
final class Condition {

    private final String text;
    private final Map<String, Object> variables;
    private int at;

    private Condition(String text, Map<String, Object> variables) {
        this.text = text;
        this.variables = variables;
    }

    static boolean evaluate(String expression, Map<String, Object> variables) {
        String body = expression.strip();
        if (body.startsWith("${") && body.endsWith("}")) {
            body = body.substring(2, body.length() - 1);
        }
        Condition parser = new Condition(body, variables);
        Object value = parser.or();
        parser.skipSpaces();
        if (parser.at != body.length()) {
            throw new IllegalArgumentException("Cannot evaluate '" + body + "' past position " + parser.at);
        }
        if (!(value instanceof Boolean result)) {
            throw new IllegalArgumentException("'" + body + "' is not a condition: it evaluates to " + value);
        }
        return result;
    }

    private Object or() {
        Object value = and();
        while (consume("||")) {
            boolean right = bool(and());
            value = bool(value) || right;
        }
        return value;
    }

    private Object and() {
        Object value = comparison();
        while (consume("&&")) {
            boolean right = bool(comparison());
            value = bool(value) && right;
        }
        return value;
    }

    private Object comparison() {
        Object left = unary();
        if (consume("==")) {
            return Objects.equals(left, unary());
        }
        if (consume("!=")) {
            return !Objects.equals(left, unary());
        }
        return left;
    }

    private Object unary() {
        skipSpaces();
        if (peek('!') && !text.startsWith("!=", at)) {
            at++;
            return !bool(unary());
        }
        return term();
    }

    private Object term() {
        skipSpaces();
        if (peek('(')) {
            at++;
            Object value = or();
            if (!consume(")")) {
                throw new IllegalArgumentException("Missing ')' in '" + text + "' at " + at);
            }
            return value;
        }
        if (peek('"')) {
            int end = text.indexOf('"', at + 1);
            String value = text.substring(at + 1, end);
            at = end + 1;
            return value;
        }
        int start = at;
        if (peek('-')) {
            at++;
        }
        while (at < text.length()
                && (Character.isLetterOrDigit(text.charAt(at)) || "._".indexOf(text.charAt(at)) >= 0)) {
            at++;
        }
        String token = text.substring(start, at);
        if (token.startsWith("var.")) {
            String name = token.substring(4);
            if (!variables.containsKey(name)) {
                throw new IllegalArgumentException(token + " is not given to the evaluation of '" + text + "'");
            }
            return variables.get(name);
        }
        return switch (token) {
            case "true" -> true;
            case "false" -> false;
            case "null" -> null;
            default -> Long.parseLong(token);
        };
    }

    private static boolean bool(Object value) {
        if (value instanceof Boolean bool) {
            return bool;
        }
        throw new IllegalArgumentException("expected a bool, got " + value);
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
