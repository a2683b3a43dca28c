package dev.loadsplitter.deploy;

import java.util.Map;

/**
 * Evaluates the integer arithmetic of a Terraform expression such as
 * {@code 6 * var.timeout_seconds + var.maximum_batching_window_in_seconds}, with variables replaced
 * by their defaults: enough to check derived settings without a Terraform binary.
 */
final class Arithmetic {

    private final String text;
    private final Map<String, Long> variables;
    private int at;

    private Arithmetic(String text, Map<String, Long> variables) {
        this.text = text;
        this.variables = variables;
    }

    static long evaluate(String expression, Map<String, Long> variables) {
        String body = expression.strip();
        if (body.startsWith("${") && body.endsWith("}")) {
            body = body.substring(2, body.length() - 1);
        }
        Arithmetic parser = new Arithmetic(body, variables);
        long value = parser.sum();
        parser.skipSpaces();
        if (parser.at != body.length()) {
            throw new IllegalArgumentException("Cannot evaluate '" + body + "' past position " + parser.at);
        }
        return value;
    }

    private long sum() {
        long value = product();
        while (true) {
            skipSpaces();
            if (peek('+')) {
                at++;
                value += product();
            } else if (peek('-')) {
                at++;
                value -= product();
            } else {
                return value;
            }
        }
    }

    private long product() {
        long value = term();
        while (true) {
            skipSpaces();
            if (peek('*')) {
                at++;
                value *= term();
            } else if (peek('/')) {
                at++;
                value /= term();
            } else {
                return value;
            }
        }
    }

    private long term() {
        skipSpaces();
        if (peek('(')) {
            at++;
            long value = sum();
            skipSpaces();
            at++;
            return value;
        }
        int start = at;
        while (at < text.length()
                && (Character.isLetterOrDigit(text.charAt(at)) || "._".indexOf(text.charAt(at)) >= 0)) {
            at++;
        }
        String token = text.substring(start, at);
        if (token.startsWith("var.")) {
            Long value = variables.get(token.substring(4));
            if (value == null) {
                throw new IllegalArgumentException(token + " has no numeric default");
            }
            return value;
        }
        return Long.parseLong(token);
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
