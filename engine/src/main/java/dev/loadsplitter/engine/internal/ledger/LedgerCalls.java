package dev.loadsplitter.engine.internal.ledger;

import dev.loadsplitter.engine.internal.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every part of the ledger shares: the table, the clock, the settings, and the one way calls are
 * retried. A call the store refused for now ({@link LedgerBusyException}: a conflict, a throttle) or
 * whose outcome is unknown ({@link LedgerUnavailableException}) is tried again after the settings'
 * backoff, up to their attempts; every ledger write is conditional, so doing one twice is harmless.
 */
final class LedgerCalls {

    private static final Logger log = LoggerFactory.getLogger(LedgerCalls.class);

    final LedgerTable table;
    final Clock clock;
    final LedgerSettings settings;
    private final Sleeper sleeper;
    private final String instance = UUID.randomUUID().toString();
    private final AtomicLong tokens = new AtomicLong();

    LedgerCalls(LedgerTable table, Clock clock, LedgerSettings settings, Sleeper sleeper) {
        this.table = Objects.requireNonNull(table, "table");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /** A fresh ClientRequestToken (at most 36 characters, as DynamoDB takes). */
    String token() {
        return UUID.nameUUIDFromBytes(
                        (instance + ":" + tokens.incrementAndGet()).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString();
    }

    long now() {
        return clock.millis();
    }

    long expiresAt() {
        return clock.instant().plus(settings.timeToLive()).getEpochSecond();
    }

    <T> T retrying(String what, Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (LedgerBusyException | LedgerUnavailableException e) {
                if (attempt >= settings.maxAttempts()) {
                    throw e;
                }
                Duration pause = settings.backoff().computeDelay(attempt + 1);
                log.debug("ledger: {} refused ({}); attempt {} in {}", what, e.getMessage(), attempt + 1, pause);
                try {
                    sleeper.sleep(pause);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new LedgerUnavailableException("interrupted while retrying " + what, interrupted);
                }
            }
        }
    }

    void retrying(String what, Runnable call) {
        retrying(what, () -> {
            call.run();
            return null;
        });
    }
}
