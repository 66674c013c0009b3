package io.switchboard.websocket.internal;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keeps the log quiet under attack: what peers cause (refused handshakes, sessions closed for a
 * protocol error, a limit or a timeout) is logged at DEBUG one by one, and summed here into
 * one INFO line at most every {@link #PERIOD}, e.g. "rejected 1234 handshakes in 10 s: 400 ×1200,
 * 431 ×34; closed 56 sessions: 1002 ×56". Nothing is logged while nothing happens. Thread-safe.
 */
public final class IncidentSummary {

    /** The least time between two summary lines. */
    public static final Duration PERIOD = Duration.ofSeconds(10);

    private final System.Logger log;
    private final Duration period;
    private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> closed = new ConcurrentHashMap<>();
    /** True while a summary is due: the first incident after a summary schedules the next. */
    private final AtomicBoolean scheduled = new AtomicBoolean();

    /** @param log where the summary lines go */
    public IncidentSummary(System.Logger log) {
        this(log, PERIOD);
    }

    IncidentSummary(System.Logger log, Duration period) {
        this.log = log;
        this.period = period;
    }

    /** A handshake was refused with {@code outcome}: an HTTP status, or a word such as "timeout". */
    public void rejected(String outcome) {
        count(rejected, outcome);
    }

    /** A session was closed (or dropped) because of its peer; {@code outcome} is the close code sent. */
    public void closed(int code) {
        count(closed, Integer.toString(code));
    }

    private void count(Map<String, LongAdder> counts, String outcome) {
        counts.computeIfAbsent(outcome, k -> new LongAdder()).increment();
        if (scheduled.compareAndSet(false, true)) {
            Timer.after(period, this::flush);
        }
    }

    /** Logs and resets the counts, if any; a later incident schedules the next line. */
    void flush() {
        scheduled.set(false);
        String in = " in " + period.toSeconds() + " s";
        String handshakes = drain(rejected, "rejected", "handshakes" + in);
        String sessions = drain(closed, "closed", handshakes.isEmpty() ? "sessions" + in : "sessions");
        if (handshakes.isEmpty() && sessions.isEmpty()) {
            return;
        }
        log.log(Level.INFO, handshakes + (handshakes.isEmpty() || sessions.isEmpty() ? "" : "; ") + sessions);
    }

    /** "VERB TOTAL NOUN: a ×n, b ×m" with outcomes in order, or "" if none; resets what it reads. */
    private static String drain(Map<String, LongAdder> counts, String verb, String noun) {
        TreeMap<String, Long> taken = new TreeMap<>();
        for (String key : counts.keySet()) {
            LongAdder adder = counts.remove(key);
            if (adder != null && adder.sum() > 0) {
                taken.merge(key, adder.sum(), Long::sum);
            }
        }
        if (taken.isEmpty()) {
            return "";
        }
        long total = taken.values().stream().mapToLong(Long::longValue).sum();
        StringBuilder s = new StringBuilder(verb).append(' ').append(total).append(' ').append(noun).append(':');
        taken.forEach((k, n) -> s.append(' ').append(k).append(" \u00d7").append(n).append(','));
        s.setLength(s.length() - 1);
        return s.toString();
    }
}
