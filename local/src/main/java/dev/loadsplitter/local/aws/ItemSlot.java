package dev.loadsplitter.local.aws;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The place of one item in its table: the committed item (read without a lock), the lock a write
 * holds while it checks its condition and stores, and the transaction, if any, that holds the item
 * pending. A slot whose item is gone and that no transaction holds is unlinked from the table; a
 * writer that locked it meanwhile sees {@link #isUnlinked()} and takes the table's new slot.
 */
final class ItemSlot {

    private final ReentrantLock lock = new ReentrantLock();
    private volatile StoredItem committed;
    /** Guarded by {@link #lock}. */
    private Object pendingOwner;
    /** Guarded by {@link #lock}. */
    private boolean unlinked;

    /** The committed item, or null when there is none; plain reads see this, never a pending write. */
    StoredItem committed() {
        return committed;
    }

    void lock() {
        lock.lock();
    }

    void unlock() {
        lock.unlock();
    }

    /** Stores {@code item} (null deletes it); the caller holds the lock. */
    void commit(StoredItem item) {
        assert lock.isHeldByCurrentThread();
        committed = item;
    }

    /** The transaction holding the item pending, or null; the caller holds the lock. */
    Object pendingOwner() {
        assert lock.isHeldByCurrentThread();
        return pendingOwner;
    }

    /** Marks the item pending for {@code owner}, or clears it with null; the caller holds the lock. */
    void pend(Object owner) {
        assert lock.isHeldByCurrentThread();
        pendingOwner = owner;
    }

    boolean isUnlinked() {
        assert lock.isHeldByCurrentThread();
        return unlinked;
    }

    /** Whether the slot holds nothing and may leave its table; the caller holds the lock. */
    boolean isEmpty() {
        assert lock.isHeldByCurrentThread();
        return committed == null && pendingOwner == null;
    }

    void markUnlinked() {
        assert lock.isHeldByCurrentThread();
        unlinked = true;
    }
}
