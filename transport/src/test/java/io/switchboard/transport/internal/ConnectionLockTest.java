package io.switchboard.transport.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ConnectionLock keeps ReentrantLock's contract where TcpConnection relies on it. */
@Timeout(30)
class ConnectionLockTest {

    @Test
    void theOwnerMayTakeItAgainAndOthersWaitForTheLastRelease() throws Exception {
        ConnectionLock lock = new ConnectionLock();
        lock.lock();
        lock.lock(); // e.g. awaitWritable -> the poller's fallback -> readable()
        lock.unlock();
        AtomicBoolean taken = new AtomicBoolean();
        Thread other = Thread.ofVirtual().start(() -> {
            lock.lock();
            taken.set(true);
            lock.unlock();
        });
        while (!lock.isQueued(other)) {
            Thread.onSpinWait(); // bounded by the test's timeout: the other thread queues at once
        }
        assertFalse(taken.get(), "one hold is left");
        lock.unlock();
        other.join();
        assertTrue(taken.get());
    }

    @Test
    void onlyTheOwnerMayUnlock() {
        ConnectionLock lock = new ConnectionLock();
        assertThrows(IllegalMonitorStateException.class, lock::unlock);
        lock.lock();
        Throwable thrown = CompletableFuture.supplyAsync(() -> {
            try {
                lock.unlock();
                return null;
            } catch (Throwable e) {
                return e;
            }
        }).join();
        assertTrue(thrown instanceof IllegalMonitorStateException);
        lock.unlock();
    }

    @Test
    void aConditionWaitReleasesEveryHoldAndTakesThemBack() throws Exception {
        ConnectionLock lock = new ConnectionLock();
        Condition signalled = lock.newCondition();
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicBoolean flag = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread waiter = Thread.ofVirtual().start(() -> {
            lock.lock();
            lock.lock();
            try {
                waiting.countDown();
                while (!flag.get()) {
                    signalled.awaitUninterruptibly();
                }
            } finally {
                try {
                    lock.unlock();
                    lock.unlock();
                } catch (Throwable e) {
                    failure.set(e);
                }
            }
        });
        assertTrue(waiting.await(10, TimeUnit.SECONDS));
        lock.lock(); // free while the waiter waits, though it holds it twice
        try {
            flag.set(true);
            signalled.signalAll();
        } finally {
            lock.unlock();
        }
        waiter.join();
        assertNull(failure.get());
    }
}
