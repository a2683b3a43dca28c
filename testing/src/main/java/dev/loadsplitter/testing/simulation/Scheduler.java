package dev.loadsplitter.testing.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs simulated invocations one step at a time, so that a seed decides every interleaving. Each
 * invocation (an actor) has a thread of its own, but only one thread runs at any moment: an actor
 * runs until its next step (a call to the ledger, the queue, the bus, or a piece of work), yields
 * there, and waits until the scheduler picks it again. Steps are the only places where time passes,
 * faults strike and other actors run, so the same seed replays the same schedule exactly.
 */
final class Scheduler {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ThreadLocal<Actor> current = new ThreadLocal<>();
    private final List<Actor> actors = new ArrayList<>();
    private final SimClock clock;
    private Actor running;

    Scheduler(SimClock clock) {
        this.clock = clock;
    }

    /** One place an actor yields: what it is about to do, and how long that takes. */
    record Step(String kind, String what, long millis) {}

    /** One simulated invocation. */
    final class Actor {
        final String name;
        final long deadline;
        Step waiting;
        long wakeAt;
        boolean killed;
        String killedBecause;
        boolean finished;
        Object result;
        Throwable failure;
        Object decision;

        Actor(String name, long deadline) {
            this.name = name;
            this.deadline = deadline;
        }

        /** Whether it waits at a step it may take now. */
        boolean ready(long now) {
            return !finished && waiting != null && wakeAt <= now;
        }

        @Override
        public String toString() {
            return name + (waiting == null ? "" : " at " + waiting.kind() + " " + waiting.what());
        }
    }

    /**
     * On an actor's thread: yields at {@code step} and waits to be picked again.
     *
     * @return the scheduler's decision for the step (a fault, or none)
     * @throws Killed when the actor died, now or before
     */
    Object step(Step step) {
        Actor me = current.get();
        if (me == null) {
            throw new IllegalStateException("a simulated call outside any simulated invocation: " + step);
        }
        lock.lock();
        try {
            if (me.killed) {
                throw new Killed(me.killedBecause);
            }
            me.waiting = step;
            me.wakeAt = clock.millis() + Math.max(0, step.millis());
            running = null;
            changed.signalAll();
            while (running != me) {
                changed.awaitUninterruptibly();
            }
            me.waiting = null;
            if (me.killed) {
                throw new Killed(me.killedBecause);
            }
            return me.decision;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the calling thread belongs to an actor that died. */
    boolean currentKilled() {
        Actor me = current.get();
        return me != null && me.killed;
    }

    /** The actor of the calling thread. */
    Actor currentActor() {
        return current.get();
    }

    /** Starts an actor; it waits at its first step before running any of {@code body}. */
    Actor spawn(String name, long deadline, Callable<?> body) {
        Actor actor = new Actor(name, deadline);
        lock.lock();
        try {
            actors.add(actor);
        } finally {
            lock.unlock();
        }
        Thread.ofVirtual().name("sim-" + name).start(() -> {
            current.set(actor);
            try {
                step(new Step("start", name, 0));
                actor.result = body.call();
            } catch (Throwable t) {
                actor.failure = t;
            } finally {
                lock.lock();
                try {
                    actor.finished = true;
                    running = null;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        });
        lock.lock();
        try {
            while (actor.waiting == null && !actor.finished) {
                changed.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
        return actor;
    }

    /** Lets {@code actor} run, with {@code decision} for the step it waits at, until its next step or its end. */
    void resume(Actor actor, Object decision) {
        lock.lock();
        try {
            if (actor.finished || actor.waiting == null) {
                throw new IllegalStateException(actor + " is not waiting at a step");
            }
            actor.decision = decision;
            running = actor;
            changed.signalAll();
            while (running == actor) {
                changed.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Kills an actor that waits at a step: it throws {@link Killed} there and at every later step, and ends. */
    void kill(Actor actor, String why) {
        actor.killed = true;
        actor.killedBecause = why;
        while (!actor.finished) {
            resume(actor, null);
        }
    }

    /** Actors not finished. */
    List<Actor> live() {
        lock.lock();
        try {
            actors.removeIf(actor -> actor.finished);
            return List.copyOf(actors);
        } finally {
            lock.unlock();
        }
    }
}
