package io.switchboard.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.websocket.internal.ServerCounters.PathCounters;
import org.junit.jupiter.api.Test;

/** A session's counts reach its path's totals exactly, however many bytes a message takes. */
class SessionCountersTest {

    @Test
    void bytesOfAMessageOverTwoGibibytesAreCountedWhole() {
        PathCounters path = new PathCounters(null);
        SessionCounters counters = new SessionCounters(path);
        int chunk = 64 * 1024 * 1024;
        long total = 0;
        for (int i = 0; i < 40; i++) { // 2.5 GiB read before the message completes
            counters.read(chunk);
            total += chunk;
        }
        counters.messageIn();
        assertEquals(total, counters.bytesIn());
        assertEquals(total, path.bytesIn.sum());
        assertEquals(1, path.messagesIn.sum());
    }

    @Test
    void bytesReadAfterTheLastMessageReachThePathWhenTheSessionEnds() {
        PathCounters path = new PathCounters(null);
        SessionCounters counters = new SessionCounters(path);
        counters.read(10);
        counters.messageIn();
        counters.read(7); // the start of a message that never completed
        assertEquals(10, path.bytesIn.sum());
        counters.flush();
        assertEquals(17, path.bytesIn.sum());
        assertEquals(17, counters.bytesIn());
    }
}
