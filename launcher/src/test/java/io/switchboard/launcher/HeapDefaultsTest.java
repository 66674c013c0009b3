package io.switchboard.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The launcher's JVM gives memory back unless the operator chose otherwise. */
class HeapDefaultsTest {

    /** Flags held in a map: name → option; set() changes the value, keeps writeability, marks it set. */
    private static final class FakeFlags implements HeapDefaults.Flags {
        final Map<String, VMOption> options = new HashMap<>();

        void add(String name, String value, VMOption.Origin origin) {
            options.put(name, new VMOption(name, value, true, origin));
        }

        @Override
        public VMOption get(String name) {
            return options.get(name);
        }

        @Override
        public void set(String name, String value) {
            if (name.equals("MaxHeapFreeRatio")
                    && Integer.parseInt(value) < Integer.parseInt(options.get("MinHeapFreeRatio").getValue())) {
                throw new IllegalArgumentException("MaxHeapFreeRatio below MinHeapFreeRatio");
            }
            options.put(name, new VMOption(name, value, true, VMOption.Origin.MANAGEMENT));
        }
    }

    private static FakeFlags g1Defaults() {
        FakeFlags flags = new FakeFlags();
        flags.add("MinHeapFreeRatio", "40", VMOption.Origin.DEFAULT);
        flags.add("MaxHeapFreeRatio", "70", VMOption.Origin.DEFAULT);
        flags.add("G1PeriodicGCInterval", "0", VMOption.Origin.DEFAULT);
        flags.add("UseG1GC", "true", VMOption.Origin.ERGONOMIC);
        return flags;
    }

    @Test
    void defaultsAreSetInAnOrderTheJvmAccepts() {
        FakeFlags flags = g1Defaults();
        assertEquals(List.of("MinHeapFreeRatio=1", "MaxHeapFreeRatio=5", "G1PeriodicGCInterval=60000"),
                HeapDefaults.apply(flags));
        assertEquals("5", flags.get("MaxHeapFreeRatio").getValue());
    }

    @Test
    void flagsFromTheCommandLineStay() {
        FakeFlags flags = g1Defaults();
        flags.add("MinHeapFreeRatio", "30", VMOption.Origin.VM_CREATION);
        flags.add("G1PeriodicGCInterval", "5000", VMOption.Origin.VM_CREATION);
        assertEquals(List.of(), HeapDefaults.apply(flags), "a maximum below the operator's minimum is skipped");
        assertEquals("30", flags.get("MinHeapFreeRatio").getValue());
        assertEquals("70", flags.get("MaxHeapFreeRatio").getValue());
        assertEquals("5000", flags.get("G1PeriodicGCInterval").getValue());
    }

    @Test
    void otherCollectorsGetTheRatiosOnly() {
        FakeFlags flags = g1Defaults();
        flags.add("UseG1GC", "false", VMOption.Origin.DEFAULT);
        assertEquals(List.of("MinHeapFreeRatio=1", "MaxHeapFreeRatio=5"), HeapDefaults.apply(flags));
        FakeFlags none = new FakeFlags();
        assertEquals(List.of(), HeapDefaults.apply(none), "a JVM without the flags is left alone");
    }

    @Test
    void thisJvmTakesThem() {
        HotSpotDiagnosticMXBean bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        VMOption before = bean.getVMOption("MaxHeapFreeRatio");
        HeapDefaults.apply();
        String expected = before.getOrigin() == VMOption.Origin.DEFAULT ? "5" : before.getValue();
        assertEquals(expected, bean.getVMOption("MaxHeapFreeRatio").getValue());
    }
}
