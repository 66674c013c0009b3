package io.switchboard.api.spi;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;

/**
 * What a listener's accept loop does when {@code accept()} fails while the listener is still
 * open — out of file descriptors, say: it pauses before the next try, 10 ms at first and twice
 * as long after each further failure up to one second, so the loop never spins; it logs the
 * first failure of a run as a warning and the rest at debug level, and logs once when accepting
 * works again. Connections already open keep being served throughout.
 *
 * <p>One instance per accept loop, used from that loop's thread only; not thread-safe.
 */
public final class AcceptFailures {

    static final Duration FIRST_PAUSE = Duration.ofMillis(10);
    static final Duration MAX_PAUSE = Duration.ofSeconds(1);

    /** Waits; the seam the tests use to run without sleeping. */
    interface Pause {
        void pause(Duration duration) throws InterruptedException;
    }

    private final System.Logger log;
    private final Object where;
    private final Pause pause;
    private int failures;
    private Duration next = FIRST_PAUSE;

    /**
     * @param log the listener's logger
     * @param where the listening address, named in the log lines
     */
    public AcceptFailures(System.Logger log, Object where) {
        this(log, where, duration -> Thread.sleep(duration));
    }

    AcceptFailures(System.Logger log, Object where, Pause pause) {
        this.log = Objects.requireNonNull(log, "log");
        this.where = Objects.requireNonNull(where, "where");
        this.pause = pause;
    }

    /**
     * Records a failed accept on a listener that is still open, then pauses before the next try.
     * Returns early, with the thread's interrupt status set, when the thread is interrupted.
     */
    public void failed(IOException e) {
        failures++;
        if (failures == 1) {
            log.log(Level.WARNING, "accept failed on {0}: {1}; retrying, pausing up to {2} ms between tries",
                    where, e.toString(), String.valueOf(MAX_PAUSE.toMillis()));
        } else {
            log.log(Level.DEBUG, "accept failed again on {0} ({1} in a row): {2}", where, failures, e.toString());
        }
        Duration now = next;
        next = next.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : next.multipliedBy(2);
        try {
            pause.pause(now);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records a successful accept: ends a run of failures, logging that accepting works again. */
    public void succeeded() {
        if (failures > 0) {
            log.log(Level.INFO, "accepting again on {0} after {1} failed tries", where, failures);
            failures = 0;
            next = FIRST_PAUSE;
        }
    }
}
