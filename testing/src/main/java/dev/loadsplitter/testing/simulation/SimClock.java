package dev.loadsplitter.testing.simulation;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The simulation's time: it moves only when the scheduler moves it. */
final class SimClock extends Clock {

    private volatile long millis;

    SimClock(Instant start) {
        this.millis = start.toEpochMilli();
    }

    void advanceTo(long at) {
        if (at > millis) {
            millis = at;
        }
    }

    @Override
    public long millis() {
        return millis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
