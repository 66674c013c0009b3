package io.switchboard.websocket.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The sessions of one {@link Watchdogs} group: a set by identity in one open-addressing array
 * (linear probing), so a member costs a slot of 4 bytes (about 10 with the free slots), not a
 * concurrent set's entry object (about 30). A removed member's slot holds {@link #GONE} until
 * the table is rebuilt, so members never move within a table: the timer thread walks the
 * current table without a lock and sees each member at most once per walk, a member added or
 * removed meanwhile perhaps a walk late (a watchdog's tick checks its own state first).
 *
 * <p>Thread safety: {@link #add} and {@link #remove} are called under the group's lock; the
 * walk ({@link #slots()}, {@link #at}) may run at any time; slots are written with release and
 * read with acquire semantics, so a walk sees every member fully made.
 */
final class Members {

    /** Marks the slot of a removed member; skipped by walks, reused by adds. */
    static final Watchdogs.Watched GONE = () -> { };

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Watchdogs.Watched[].class);
    private static final int MIN_CAPACITY = 16;

    /** The table; a power of two long, at most three quarters used (members and GONE slots). */
    private volatile Watchdogs.Watched[] slots = new Watchdogs.Watched[MIN_CAPACITY];
    /** Members in the table. Under the group's lock. */
    private int size;
    /** Slots holding GONE. Under the group's lock. */
    private int gone;

    /** The table to walk: read each slot with {@link #at}; null and {@link #GONE} are not members. */
    Watchdogs.Watched[] slots() {
        return slots;
    }

    /** The slot {@code i} of a table from {@link #slots()}. */
    static Watchdogs.Watched at(Watchdogs.Watched[] slots, int i) {
        return (Watchdogs.Watched) SLOT.getAcquire(slots, i);
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Adds {@code member} unless it is in already; returns whether it was added. */
    boolean add(Watchdogs.Watched member) {
        Watchdogs.Watched[] table = slots;
        int mask = table.length - 1;
        int reuse = -1;
        for (int i = home(member, mask); ; i = (i + 1) & mask) {
            Watchdogs.Watched w = table[i];
            if (w == member) {
                return false;
            }
            if (w == GONE && reuse < 0) {
                reuse = i;
            } else if (w == null) {
                if (reuse >= 0) {
                    gone--;
                    i = reuse;
                }
                SLOT.setRelease(table, i, member);
                size++;
                if ((size + gone) * 4L > table.length * 3L) {
                    rebuild(table);
                }
                return true;
            }
        }
    }

    /** Removes {@code member}; returns whether it was in. */
    boolean remove(Watchdogs.Watched member) {
        Watchdogs.Watched[] table = slots;
        int mask = table.length - 1;
        for (int i = home(member, mask); ; i = (i + 1) & mask) {
            Watchdogs.Watched w = table[i];
            if (w == null) {
                return false;
            }
            if (w == member) {
                SLOT.setRelease(table, i, GONE);
                size--;
                gone++;
                if (size * 8L < table.length && table.length > MIN_CAPACITY) {
                    rebuild(table); // mostly empty: give the memory back
                }
                return true;
            }
        }
    }

    /** A new table for the members of {@code old}, at most half used, without GONE slots. */
    private void rebuild(Watchdogs.Watched[] old) {
        int capacity = MIN_CAPACITY;
        while (capacity < size * 2L) {
            capacity <<= 1;
        }
        Watchdogs.Watched[] table = new Watchdogs.Watched[capacity];
        int mask = capacity - 1;
        for (Watchdogs.Watched w : old) {
            if (w != null && w != GONE) {
                int i = home(w, mask);
                while (table[i] != null) {
                    i = (i + 1) & mask;
                }
                table[i] = w;
            }
        }
        gone = 0;
        slots = table; // volatile: a walk that reads it sees the table filled
    }

    private static int home(Object member, int mask) {
        int h = System.identityHashCode(member) * 0x9E3779B1; // spread: neighbouring hashes, far-apart slots
        return (h ^ (h >>> 16)) & mask;
    }
}
