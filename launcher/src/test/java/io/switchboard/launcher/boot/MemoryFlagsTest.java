package io.switchboard.launcher.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The flags the launcher gives the JVM it hands over to: only what the JDK has and the operator did not set. */
class MemoryFlagsTest {

    @Test
    void jdk25GetsAllThree() {
        assertEquals(List.of("-XX:+UseCompactObjectHeaders", "-XX:G1HeapRegionSize=1m", "-XX:TrimNativeHeapInterval=500"),
                Boot.memoryFlags(25, List.of("-Xmx1g")));
    }

    @Test
    void olderJdksGetWhatTheyHave() {
        assertEquals(List.of("-XX:G1HeapRegionSize=1m", "-XX:TrimNativeHeapInterval=500"), Boot.memoryFlags(22, List.of()));
        assertEquals(List.of("-XX:G1HeapRegionSize=1m"), Boot.memoryFlags(21, List.of()));
    }

    @Test
    void theOperatorsChoicesStay() {
        assertEquals(List.of("-XX:TrimNativeHeapInterval=500"), Boot.memoryFlags(25,
                List.of("-XX:-UseCompactObjectHeaders", "-XX:G1HeapRegionSize=4m")));
        assertEquals(List.of("-XX:+UseCompactObjectHeaders"), Boot.memoryFlags(25,
                List.of("-XX:+UseZGC", "-XX:TrimNativeHeapInterval=0")));
        assertEquals(List.of("-XX:+UseCompactObjectHeaders", "-XX:G1HeapRegionSize=1m", "-XX:TrimNativeHeapInterval=500"),
                Boot.memoryFlags(25, List.of("-XX:+UseG1GC")));
    }
}
