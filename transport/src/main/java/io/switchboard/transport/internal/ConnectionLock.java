package io.switchboard.transport.internal;

import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.concurrent.locks.Condition;

/**
 * The reentrant lock of one connection's mode: a nonfair {@link
 * java.util.concurrent.locks.ReentrantLock} in one object, its own synchronizer, so 24 bytes per
 * connection instead of 40 (the lock and its {@code Sync}). Every idle connection holds one.
 * A virtual thread waiting for it parks without pinning its carrier. Thread-safe.
 */
final class ConnectionLock extends AbstractQueuedSynchronizer {

    private static final long serialVersionUID = 1L;

    void lock() {
        acquire(1);
    }

    /** @throws IllegalMonitorStateException if this thread does not hold the lock */
    void unlock() {
        release(1);
    }

    Condition newCondition() {
        return new ConditionObject();
    }

    /** Takes a free lock, or another hold of the lock this thread holds. */
    @Override
    protected boolean tryAcquire(int holds) {
        Thread current = Thread.currentThread();
        int c = getState();
        if (c == 0) {
            if (compareAndSetState(0, holds)) {
                setExclusiveOwnerThread(current);
                return true;
            }
        } else if (getExclusiveOwnerThread() == current) {
            if (c + holds < 0) {
                throw new Error("maximum lock count exceeded");
            }
            setState(c + holds);
            return true;
        }
        return false;
    }

    @Override
    protected boolean tryRelease(int holds) {
        if (getExclusiveOwnerThread() != Thread.currentThread()) {
            throw new IllegalMonitorStateException("the lock is not held by " + Thread.currentThread());
        }
        int c = getState() - holds;
        if (c == 0) {
            setExclusiveOwnerThread(null);
        }
        setState(c);
        return c == 0;
    }

    @Override
    protected boolean isHeldExclusively() {
        return getExclusiveOwnerThread() == Thread.currentThread();
    }
}
