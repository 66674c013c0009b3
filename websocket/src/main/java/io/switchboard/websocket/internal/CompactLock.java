package io.switchboard.websocket.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A reentrant mutual-exclusion lock with the semantics of {@link ReentrantLock} (hold count,
 * owner, conditions, fair or not), in one object: it is its own synchronizer. A {@code
 * ReentrantLock} is two objects (the lock and its {@code Sync}, 40 bytes with compact object
 * headers); this is 24. Every idle session holds several locks, so the difference shows per
 * session. Built on {@link AbstractQueuedSynchronizer} as {@code ReentrantLock} is, so a
 * virtual thread waiting for it parks without pinning its carrier.
 *
 * <p>{@link #tryLock()} takes a free lock at once even when it is fair, as {@code
 * ReentrantLock}'s does; {@link #lock()} and the timed {@link #tryLock(long, TimeUnit)} of a
 * {@linkplain #fair() fair} lock queue behind the threads already waiting. Thread-safe.
 */
sealed class CompactLock extends AbstractQueuedSynchronizer implements Lock {

    private static final long serialVersionUID = 1L;

    /** A lock that a thread may take ahead of the waiting ones (ReentrantLock's default). */
    static CompactLock nonfair() {
        return new CompactLock();
    }

    /** A lock granted to waiting threads in the order they came. */
    static CompactLock fair() {
        return new Fair();
    }

    private CompactLock() {
    }

    @Override
    public final void lock() {
        if (!initialTryLock()) {
            acquire(1);
        }
    }

    @Override
    public final void lockInterruptibly() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (!initialTryLock()) {
            acquireInterruptibly(1);
        }
    }

    /** Takes the lock if it is free or already held by this thread, ignoring fairness. */
    @Override
    public final boolean tryLock() {
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
    public final boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return initialTryLock() || tryAcquireNanos(1, unit.toNanos(time));
    }

    /** @throws IllegalMonitorStateException if this thread does not hold the lock */
    @Override
    public final void unlock() {
        release(1);
    }

    @Override
    public final Condition newCondition() {
        return new ConditionObject();
    }

    /** Whether the current thread holds the lock. */
    final boolean isHeldByCurrentThread() {
        return getExclusiveOwnerThread() == Thread.currentThread();
    }

    /** The first attempt of lock(): reentry, or a free lock (the fair lock: with nobody waiting). */
    boolean initialTryLock() {
        return tryLock();
    }

    /** The attempt of a thread that may have queued (reentry was handled by initialTryLock). */
    @Override
    protected boolean tryAcquire(int acquires) {
        if (getState() == 0 && compareAndSetState(0, acquires)) {
            setExclusiveOwnerThread(Thread.currentThread());
            return true;
        }
        return false;
    }

    @Override
    protected final boolean tryRelease(int releases) {
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
    protected final boolean isHeldExclusively() {
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

    /** Granted in arrival order: a thread takes a free lock only if nobody waits ahead of it. */
    private static final class Fair extends CompactLock {
        private static final long serialVersionUID = 1L;

        @Override
        boolean initialTryLock() {
            Thread current = Thread.currentThread();
            int c = getState();
            if (c == 0) {
                if (!hasQueuedThreads() && compareAndSetState(0, 1)) {
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
        protected boolean tryAcquire(int acquires) {
            if (getState() == 0 && !hasQueuedPredecessors() && compareAndSetState(0, acquires)) {
                setExclusiveOwnerThread(Thread.currentThread());
                return true;
            }
            return false;
        }
    }
}
