package io.switchboard.testlogging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HeldOutputTest {

    private static String take(HeldOutput held) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        held.takeAll(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void takeAllReturnsWhatWasWrittenOnceAndDiscardForgetsIt() throws IOException {
        HeldOutput held = new HeldOutput(1024);
        held.write("one ".getBytes(StandardCharsets.UTF_8));
        held.write('2');
        assertEquals("one 2", take(held));
        assertEquals("", take(held));
        held.write("gone".getBytes(StandardCharsets.UTF_8));
        held.discard();
        assertEquals("", take(held));
    }

    @Test
    void outputBeyondTheLimitDropsTheOldestAndSaysHowMuch() throws IOException {
        HeldOutput held = new HeldOutput(10);
        for (char c = 'a'; c <= 'z'; c++) {
            held.write(c);
        }
        String kept = take(held);
        String tail = kept.substring(kept.indexOf('\n') + 1);
        assertEquals("[... " + (26 - tail.length()) + " earlier bytes of output dropped ...]", kept.substring(0, kept.indexOf('\n')));
        assertEquals("abcdefghijklmnopqrstuvwxyz".substring(26 - tail.length()), tail);
        assertEquals(true, tail.length() <= 10 && tail.length() >= 5, tail);
    }

    @Test
    void oneWriteLargerThanTheLimitKeepsItsTail() throws IOException {
        HeldOutput held = new HeldOutput(10);
        held.write("xy".getBytes(StandardCharsets.UTF_8));
        held.write("0123456789ABCDEF".getBytes(StandardCharsets.UTF_8));
        assertEquals("[... 13 earlier bytes of output dropped ...]\nBCDEF", take(held));
    }
}
