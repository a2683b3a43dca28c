package dev.loadsplitter.local.invoke;

import java.nio.file.Path;
import java.util.List;

/**
 * Where accepted asynchronous events wait until they are done: in the invoker's memory, or in a
 * directory, so that events accepted before a stop (even {@code kill -9}) run after a restart, as
 * Lambda's own queue is durable.
 */
public interface AsyncEventStore {

    /** Keeps {@code event}, replacing what was kept under its id; when it returns, the event survives a crash. */
    void save(AsyncEvent event);

    /** Forgets the event {@code id}: it succeeded or went to the on-failure destination. */
    void remove(String id);

    /** The events kept, for a restart to resume. */
    List<AsyncEvent> pending();

    /** Whether events kept here outlive this process. */
    boolean durable();

    /** Nothing outlives the process: an event lives in the thread that delivers it. */
    static AsyncEventStore memory() {
        return new AsyncEventStore() {
            @Override
            public void save(AsyncEvent event) {}

            @Override
            public void remove(String id) {}

            @Override
            public List<AsyncEvent> pending() {
                return List.of();
            }

            @Override
            public boolean durable() {
                return false;
            }
        };
    }

    /** One file per event in {@code directory}, written and synced before {@link #save} returns. */
    static AsyncEventStore directory(Path directory) {
        return DirectoryAsyncEventStore.open(directory);
    }
}
