package io.switchboard.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A watchdog group's member table is a set by identity whose walk sees each member once. */
class MembersTest {

    private static Set<Watchdogs.Watched> walk(Members members) {
        Set<Watchdogs.Watched> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Watchdogs.Watched[] slots = members.slots();
        for (int i = 0; i < slots.length; i++) {
            Watchdogs.Watched w = Members.at(slots, i);
            if (w != null && w != Members.GONE) {
                assertTrue(seen.add(w), "a member appears once per walk");
            }
        }
        return seen;
    }

    /** A new object each time (a lambda without captures would be one object for all). */
    private static Watchdogs.Watched member() {
        return new Watchdogs.Watched() {
            @Override
            public void tick() {
            }
        };
    }

    @Test
    void addingTwiceKeepsOneAndRemovingWhatIsNotInChangesNothing() {
        Members members = new Members();
        Watchdogs.Watched a = member();
        assertTrue(members.add(a));
        assertFalse(members.add(a));
        assertFalse(members.remove(member()));
        assertEquals(Set.of(a), walk(members));
        assertTrue(members.remove(a));
        assertFalse(members.remove(a));
        assertTrue(members.isEmpty());
        assertEquals(Set.of(), walk(members));
    }

    @Test
    void manyMembersComingAndGoingLeaveExactlyTheOnesStillIn() {
        Members members = new Members();
        Set<Watchdogs.Watched> expected = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Watchdogs.Watched> in = new ArrayList<>();
        Random random = new Random(42);
        for (int step = 0; step < 200_000; step++) {
            boolean grow = step < 100_000 ? random.nextInt(4) != 0 : random.nextInt(4) == 0;
            if (grow || in.isEmpty()) {
                Watchdogs.Watched w = member();
                assertTrue(members.add(w));
                expected.add(w);
                in.add(w);
            } else {
                int at = random.nextInt(in.size());
                Watchdogs.Watched w = in.set(at, in.get(in.size() - 1));
                in.remove(in.size() - 1);
                assertTrue(members.remove(w));
                expected.remove(w);
            }
            if (step % 20_000 == 0) {
                assertEquals(expected, walk(members));
            }
        }
        assertEquals(expected, walk(members));
        for (Watchdogs.Watched w : in) {
            assertTrue(members.remove(w));
        }
        assertTrue(members.isEmpty());
        assertTrue(members.slots().length <= 64, "an emptied table shrinks: " + members.slots().length);
    }

    @Test
    void theTableStaysWithinTwiceToThreeTimesItsMembers() {
        Members members = new Members();
        List<Watchdogs.Watched> in = new ArrayList<>();
        for (int i = 0; i < 15_000; i++) {
            Watchdogs.Watched w = member();
            members.add(w);
            in.add(w);
        }
        int slots = members.slots().length;
        assertTrue(slots >= 2 * 15_000 * 3 / 4 && slots <= 3 * 15_000, "slots: " + slots);
        for (int i = 0; i < 14_000; i++) { // most leave: the GONE slots do not pile up
            members.remove(in.get(i));
        }
        for (int i = 0; i < 14_000; i++) {
            members.add(member());
        }
        assertTrue(members.slots().length <= 3 * 15_000, "slots: " + members.slots().length);
    }
}
