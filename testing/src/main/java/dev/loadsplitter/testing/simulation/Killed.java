package dev.loadsplitter.testing.simulation;

/**
 * Thrown inside a simulated container that died (crashed, timed out, restarted): an {@link Error},
 * so the engine's own handlers of exceptions let it through, and thrown again at every later step
 * of that container, so nothing it does afterwards takes effect anywhere.
 */
final class Killed extends Error {

    Killed(String why) {
        super(why, null, false, false);
    }
}
