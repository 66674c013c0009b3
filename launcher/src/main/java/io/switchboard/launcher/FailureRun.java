package io.switchboard.launcher;

import java.lang.System.Logger.Level;

/**
 * The log of a long-lived launcher thread whose iterations may throw: the first failure of a
 * run of failures is logged as an ERROR, and so is a failure of another kind; a repeat of the
 * same kind is logged at DEBUG only, and the first success after a run says, once, how many
 * iterations failed. So a failure that repeats on every iteration (a full disk, a bug) is a few
 * lines, not a flood. Logging itself may fail when the heap is exhausted; then the failure goes
 * unlogged and the thread goes on. Used by one thread.
 */
final class FailureRun {

    private static final System.Logger LOG = System.getLogger(Launcher.class.getName());

    private final String what;
    /** Iterations in a row that failed. */
    private long failures;
    /** The kind of the failure logged last in this run, or null. */
    private Class<?> lastLogged;

    /** @param what the iteration, as the log lines name it (e.g. "deploy folder scan") */
    FailureRun(String what) {
        this.what = what;
    }

    /** Records that an iteration threw {@code e}. Never throws. */
    void failed(Throwable e) {
        failures++;
        try {
            if (e.getClass() != lastLogged) {
                lastLogged = e.getClass();
                LOG.log(Level.ERROR, "{0} failed, going on: {1}: {2} (the same failure again is logged at DEBUG "
                        + "until one succeeds)", what, e.getClass().getName(), DeployDirectory.oneLine(e));
            } else {
                LOG.log(Level.DEBUG, "{0} failed again: {1}", what, DeployDirectory.oneLine(e));
            }
        } catch (Throwable ignored) {
            // out of memory even for the line: nothing better to do than carry on
        }
    }

    /** Records that an iteration succeeded; the first after a run of failures is logged. */
    void succeeded() {
        if (failures > 0) {
            LOG.log(Level.INFO, "{0} works again, after {1} failed in a row", what, String.valueOf(failures));
            failures = 0;
            lastLogged = null;
        }
    }
}
