package io.switchboard.launcher;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes the server's JVM give memory back. By default the JVM keeps the heap it once grew to:
 * after the burst of garbage that opening 15,000 connections makes, G1 kept 262 MB committed
 * for 80 MB of live objects, and resident memory per idle session doubled. The launcher sets,
 * unless the command line did:
 * <ul>
 *   <li>{@code MinHeapFreeRatio=1}, {@code MaxHeapFreeRatio=5}: after a full collection or a
 *       concurrent cycle the heap shrinks to about 1.05 times what is live (it grows again on
 *       demand as young collections need regions);
 *   <li>{@code G1PeriodicGCInterval=60000} (with G1): a server that has been quiet for a minute
 *       runs a concurrent cycle, so memory taken in a spike is returned while idle.
 * </ul>
 * These are manageable flags, set through the HotSpot diagnostic bean at start, so they apply
 * however the launcher was started; on a JVM without them nothing changes. Young collections,
 * and so throughput under load, are not affected.
 */
final class HeapDefaults {

    /** Flag → value, in the order they must be set (the minimum ratio first: min ≤ max). */
    static final Map<String, String> DEFAULTS = defaults();

    private HeapDefaults() {
    }

    private static Map<String, String> defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("MinHeapFreeRatio", "1");
        defaults.put("MaxHeapFreeRatio", "5");
        defaults.put("G1PeriodicGCInterval", "60000");
        return defaults;
    }

    /** What the JVM's flags are and lets set; the seam the tests use. */
    interface Flags {
        /** The flag, or null if this JVM has none of that name. */
        VMOption get(String name);

        void set(String name, String value);
    }

    /** Applies the defaults to this JVM; returns the flags set, as name=value. */
    static List<String> apply() {
        HotSpotDiagnosticMXBean bean;
        try {
            bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        } catch (RuntimeException e) {
            return List.of();
        }
        if (bean == null) {
            return List.of();
        }
        return apply(new Flags() {
            @Override
            public VMOption get(String name) {
                try {
                    return bean.getVMOption(name);
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }

            @Override
            public void set(String name, String value) {
                bean.setVMOption(name, value);
            }
        });
    }

    /**
     * Sets each default whose flag exists, is writeable and still has the JVM's default value
     * (a flag given on the command line is the operator's choice and stays); a value the JVM
     * refuses (say a maximum ratio below a minimum the operator set) is skipped.
     */
    static List<String> apply(Flags flags) {
        List<String> set = new ArrayList<>();
        for (Map.Entry<String, String> e : DEFAULTS.entrySet()) {
            VMOption option = flags.get(e.getKey());
            if (option == null || !option.isWriteable() || option.getOrigin() != VMOption.Origin.DEFAULT
                    || option.getValue().equals(e.getValue())) {
                continue;
            }
            if (e.getKey().startsWith("G1") && flags.get("UseG1GC") != null
                    && !"true".equals(flags.get("UseG1GC").getValue())) {
                continue;
            }
            try {
                flags.set(e.getKey(), e.getValue());
                set.add(e.getKey() + "=" + e.getValue());
            } catch (IllegalArgumentException refused) {
                // the operator's other flags rule it out: keep theirs
            }
        }
        return set;
    }
}
