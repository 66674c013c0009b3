package io.switchboard.websocket.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A reentrant mutual-exclusion lock with the semantics of {@link ReentrantLock} (hold count,
 * owner, conditions; not fair), in one object: it is its own synchronizer. A {@code
 * ReentrantLock} is two objects (the lock and its {@code Sync}, 40 bytes with compact object
 * headers); this is 24. Every idle session holds several locks, so the difference shows per
 * session. Built on {@link AbstractQueuedSynchronizer} as {@code ReentrantLock} is, so a
 * virtual thread waiting for it parks without pinning its carrier.
 * Not fair: a fair lock in this form cost the writer's frame lock about 10 % more CPU per large
 * text echo, so it stays a fair {@code ReentrantLock} there. Thread-safe.
 */
final class CompactLock extends AbstractQueuedSynchronizer implements Lock {

    private static final long serialVersionUID = 1L;

    /** A lock that a thread may take ahead of the waiting ones (ReentrantLock's default). */
    static CompactLock nonfair() {
        return new CompactLock();
    }

    private CompactLock() {
    }

    @Override
    public void lock() {
        if (!tryLock()) {
            acquire(1);
        }
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (!tryLock()) {
            acquireInterruptibly(1);
        }
    }

    /** Takes the lock if it is free or already held by this thread. */
    @Override
    public boolean tryLock() {
        Thread current = Thread.currentThread();
        int c = getState();
        if (c == 0) {
            if (compareAndSetState(0, 1)) {
                setExclusiveOwnerThread(current);
                return true;
            }
        } else if (getExclusiveOwnerThread() == current) {
            setState(increment(c));
            return true;
        }
        return false;
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return tryLock() || tryAcquireNanos(1, unit.toNanos(time));
    }

    /** @throws IllegalMonitorStateException if this thread does not hold the lock */
    @Override
    public void unlock() {
        release(1);
    }

    @Override
    public Condition newCondition() {
        return new ConditionObject();
    }

    /** Whether the current thread holds the lock. */
    boolean isHeldByCurrentThread() {
        return getExclusiveOwnerThread() == Thread.currentThread();
    }

    /** The attempt of a thread that may have queued (reentry was handled by tryLock). */
    @Override
    protected boolean tryAcquire(int acquires) {
        if (getState() == 0 && compareAndSetState(0, acquires)) {
            setExclusiveOwnerThread(Thread.currentThread());
            return true;
        }
        return false;
    }

    @Override
    protected boolean tryRelease(int releases) {
        if (getExclusiveOwnerThread() != Thread.currentThread()) {
            throw new IllegalMonitorStateException("the lock is not held by " + Thread.currentThread());
        }
        int c = getState() - releases;
        boolean free = c == 0;
        if (free) {
            setExclusiveOwnerThread(null);
        }
        setState(c);
        return free;
    }

    @Override
    protected boolean isHeldExclusively() {
        return getExclusiveOwnerThread() == Thread.currentThread();
    }

    private static int increment(int holds) {
        if (holds == Integer.MAX_VALUE) {
            throw new Error("maximum lock count exceeded");
        }
        return holds + 1;
    }

    @Override
    public String toString() {
        Thread owner = getExclusiveOwnerThread();
        return super.toString() + (owner == null ? "[unlocked]" : "[locked by " + owner.getName() + "]");
    }
}
