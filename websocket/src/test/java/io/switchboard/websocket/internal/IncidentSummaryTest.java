package io.switchboard.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class IncidentSummaryTest {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final System.Logger log = new System.Logger() {
        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(level + " " + msg);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(level + " " + format);
        }
    };

    @Test
    void oneLineSumsUpRejectionsAndClosesByOutcome() {
        IncidentSummary summary = new IncidentSummary(log, Duration.ofHours(1));
        for (int i = 0; i < 1200; i++) {
            summary.rejected("400");
        }
        summary.rejected("431");
        summary.rejected("timeout");
        summary.closed(1002);
        summary.closed(1002);
        summary.closed(1009);
        summary.flush();
        assertEquals(List.of("INFO rejected 1202 handshakes in 3600 s: 400 \u00d71200, 431 \u00d71, timeout \u00d71; "
                + "closed 3 sessions: 1002 \u00d72, 1009 \u00d71"), lines);
        summary.flush();
        assertEquals(1, lines.size(), "nothing new, nothing logged");
    }

    @Test
    void closesAloneMakeTheirOwnLine() {
        IncidentSummary summary = new IncidentSummary(log, Duration.ofSeconds(10));
        summary.closed(1008);
        summary.flush();
        assertEquals(List.of("INFO closed 1 sessions in 10 s: 1008 \u00d71"), lines);
    }

}
