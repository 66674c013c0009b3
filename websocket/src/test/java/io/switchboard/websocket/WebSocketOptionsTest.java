package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/** Settings are checked when they are set, with a message naming the setting. */
class WebSocketOptionsTest {

    @Test
    void durationsTheTimersCannotCountAreRefusedWhenSet() {
        Duration forever = ChronoUnit.FOREVER.getDuration();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WebSocketOptions.builder().readTimeout(forever));
        assertTrue(e.getMessage().startsWith("readTimeout must be at most"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WebSocketOptions.builder().closeTimeout(forever));
        assertThrows(IllegalArgumentException.class,
                () -> WebSocketOptions.builder().pingInterval(Duration.ofDays(365L * 300)));
    }

    @Test
    void longButCountableDurationsAndZeroWhereItTurnsATimerOffAreKept() {
        WebSocketOptions options = WebSocketOptions.builder()
                .readTimeout(Duration.ofDays(365L * 200))
                .writeTimeout(Duration.ZERO)
                .build();
        assertEquals(Duration.ofDays(365L * 200), options.readTimeout());
        assertEquals(Duration.ZERO, options.writeTimeout());
    }
}
