package io.switchboard.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.switchboard.api.CloseStatus;
import org.junit.jupiter.api.Test;

class InboundMemoryTest {

    private static final long A = InboundMemory.ALLOWANCE;

    @Test
    void eachAccountsAllowanceIsNotCounted() {
        InboundMemory memory = new InboundMemory(100);
        InboundMemory.Account one = memory.account();
        one.charge(A);
        assertEquals(0, memory.used());
        one.charge(60);
        assertEquals(60, memory.used());
        assertEquals(A + 60, one.held());
    }

    @Test
    void aChargeOverTheLimitFailsWith1013AndChangesNothing() {
        InboundMemory memory = new InboundMemory(100);
        InboundMemory.Account one = memory.account();
        InboundMemory.Account two = memory.account();
        one.charge(A + 80);
        ProtocolException e = assertThrows(ProtocolException.class, () -> two.charge(A + 21));
        assertEquals(CloseStatus.TRY_AGAIN_LATER, e.status());
        assertEquals(80, memory.used());
        assertEquals(0, two.held());
        two.charge(A + 20);
        assertEquals(100, memory.used());
    }

    @Test
    void givingBackAndClosingReturnTheBytes() {
        InboundMemory memory = new InboundMemory(1000);
        InboundMemory.Account one = memory.account();
        one.charge(A + 500);
        one.charge(-300);
        assertEquals(200, memory.used());
        one.close();
        assertEquals(0, memory.used());
        one.close();
        assertEquals(0, memory.used());
        assertThrows(ProtocolException.class, () -> one.charge(1));
        one.charge(-5); // giving back after close changes nothing
        assertEquals(0, memory.used());
    }
}
