package io.switchboard.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** CompactLock keeps ReentrantLock's contract: reentry, ownership, conditions. */
@Timeout(30)
class CompactLockTest {

    @Test
    void theOwnerMayTakeItAgainAndMustReleaseEachHold() throws Exception {
        CompactLock lock = CompactLock.nonfair();
        lock.lock();
        lock.lock();
        assertTrue(lock.tryLock());
        assertTrue(lock.isHeldByCurrentThread());
        lock.unlock();
        lock.unlock();
        assertFalse(otherThreadTakes(lock), "still held once");
        lock.unlock();
        assertFalse(lock.isHeldByCurrentThread());
        assertTrue(otherThreadTakes(lock), "free after the last unlock");
    }

    @Test
    void onlyTheOwnerMayUnlock() {
        CompactLock lock = CompactLock.nonfair();
        assertThrows(IllegalMonitorStateException.class, lock::unlock);
        lock.lock();
        CompletableFuture<Throwable> other = CompletableFuture.supplyAsync(() -> {
            try {
                lock.unlock();
                return null;
            } catch (Throwable e) {
                return e;
            }
        });
        assertTrue(other.join() instanceof IllegalMonitorStateException);
        lock.unlock();
    }

    @Test
    void aTimedTryLockGivesUpWhileAnotherHoldsIt() throws Exception {
        CompactLock lock = CompactLock.nonfair();
        lock.lock();
        try {
            CompletableFuture<Boolean> other = CompletableFuture.supplyAsync(() -> {
                try {
                    return lock.tryLock(1, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertFalse(other.get(10, TimeUnit.SECONDS));
            assertTrue(lock.tryLock(1, TimeUnit.MILLISECONDS), "the owner re-enters at once");
            lock.unlock();
        } finally {
            lock.unlock();
        }
    }

    @Test
    void aConditionReleasesEveryHoldWhileWaiting() throws Exception {
        CompactLock lock = CompactLock.nonfair();
        Condition signalled = lock.newCondition();
        CountDownLatch waiting = new CountDownLatch(1);
        boolean[] flag = new boolean[1];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread waiter = Thread.ofVirtual().start(() -> {
            lock.lock();
            lock.lock();
            try {
                waiting.countDown();
                while (!flag[0]) {
                    signalled.awaitUninterruptibly();
                }
            } finally {
                try {
                    lock.unlock();
                    lock.unlock(); // both holds are back after the wait
                } catch (Throwable e) {
                    failure.set(e);
                }
            }
        });
        assertTrue(waiting.await(10, TimeUnit.SECONDS));
        lock.lock(); // free while the waiter waits, though it held it twice
        try {
            flag[0] = true;
            signalled.signalAll();
        } finally {
            lock.unlock();
        }
        waiter.join();
        assertEquals(null, failure.get());
        assertTrue(lock.tryLock());
        lock.unlock();
    }

    private static boolean otherThreadTakes(CompactLock lock) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            boolean taken = lock.tryLock();
            if (taken) {
                lock.unlock();
            }
            return taken;
        }).get(10, TimeUnit.SECONDS);
    }
}
