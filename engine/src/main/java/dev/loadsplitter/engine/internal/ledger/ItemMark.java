package dev.loadsplitter.engine.internal.ledger;

import java.util.Objects;
import java.util.Optional;

/**
 * One item's mark, as {@code jobs results} prints it.
 *
 * @param index the item's index in the original event
 * @param state DONE, DEAD, SKIPPED or PENDING
 * @param result for DONE, its result as JSON text, when it had one
 * @param errorType for DEAD, the error's type
 * @param errorMessage for DEAD, the error's message
 */
public record ItemMark(
        long index,
        MarkState state,
        Optional<String> result,
        Optional<String> errorType,
        Optional<String> errorMessage) {

    public ItemMark {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(errorType, "errorType");
        Objects.requireNonNull(errorMessage, "errorMessage");
    }

    static ItemMark of(Item item) {
        return new ItemMark(
                LedgerKeys.indexOf(item.key()),
                MarkState.valueOf(item.text(LedgerKeys.STATE, MarkState.PENDING.name())),
                item.text(LedgerKeys.RESULT),
                item.text(LedgerKeys.ERROR_TYPE),
                item.text(LedgerKeys.ERROR_MESSAGE));
    }
}
