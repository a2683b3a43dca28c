package dev.loadsplitter.engine.task;

import java.util.Objects;

/** The singular and plural name of a task type's items, for responses such as "handled 1 tag". */
public record ItemNoun(String singular, String plural) {

    public ItemNoun {
        Objects.requireNonNull(singular, "singular");
        Objects.requireNonNull(plural, "plural");
    }

    /** "1 tag", "5 tags". */
    public String count(int n) {
        return n + " " + (n == 1 ? singular : plural);
    }

    /** The noun alone, agreeing with {@code n}. */
    public String forCount(int n) {
        return n == 1 ? singular : plural;
    }
}
