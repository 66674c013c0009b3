package io.switchboard.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The shared timer survives its tasks: one that throws stops neither itself nor the others. */
@Timeout(30)
class TimerTest {

    private final Logger log = Logger.getLogger(Timer.class.getName());
    private final AtomicInteger logged = new AtomicInteger();
    private final Handler counter = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.incrementAndGet();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        log.setUseParentHandlers(false); // the injected failures are expected: keep them off the console
        log.addHandler(counter);
    }

    @AfterEach
    void restoreLog() {
        log.removeHandler(counter);
        log.setUseParentHandlers(true);
    }

    @Test
    void aPeriodicTaskThatThrowsKeepsItsNextRuns() throws Exception {
        CountDownLatch runs = new CountDownLatch(3);
        ScheduledFuture<?> task = Timer.every(Duration.ofMillis(5), () -> {
            runs.countDown();
            throw new OutOfMemoryError("injected: as if the heap were full");
        });
        try {
            assertTrue(runs.await(10, TimeUnit.SECONDS), "runs left: " + runs.getCount());
            assertTrue(logged.get() >= 2, "each failure is logged");
        } finally {
            task.cancel(false);
        }
    }

    @Test
    void otherTasksStillFireWhileOneKeepsThrowing() throws Exception {
        AtomicInteger thrown = new AtomicInteger();
        ScheduledFuture<?> bad = Timer.every(Duration.ofMillis(5), () -> {
            thrown.incrementAndGet();
            throw new IllegalStateException("injected");
        });
        CountDownLatch deadline = new CountDownLatch(1);
        CountDownLatch ticks = new CountDownLatch(2);
        ScheduledFuture<?> good = Timer.every(Duration.ofMillis(5), ticks::countDown);
        try {
            Timer.after(Duration.ofMillis(20), deadline::countDown);
            assertTrue(deadline.await(10, TimeUnit.SECONDS), "a one-shot deadline fires");
            assertTrue(ticks.await(10, TimeUnit.SECONDS), "another periodic task runs");
            assertTrue(thrown.get() >= 1);
        } finally {
            bad.cancel(false);
            good.cancel(false);
        }
    }
}
