package io.switchboard.admin.internal;

import io.switchboard.admin.internal.Metric.Sample;
import io.switchboard.websocket.ServerMetrics;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The metric families of the process: the servers' totals (summed over the plain and the TLS
 * server), deploy events, readiness, and JVM basics. What {@code /metrics} prints and the JMX
 * bean shows. Pure apart from reading the JVM's management beans; thread-safe.
 */
public final class MetricFamilies {

    private MetricFamilies() {
    }

    /** Every family, in a stable order. */
    public static List<Metric> of(List<ServerMetrics> servers, DeployEvents deploys, boolean ready) {
        List<Metric> out = new ArrayList<>();
        Map<String, long[]> paths = new TreeMap<>(); // open, opened, msgs in, msgs out, bytes in, bytes out
        for (ServerMetrics server : servers) {
            for (ServerMetrics.PathTotals p : server.paths()) {
                long[] t = paths.computeIfAbsent(p.path(), k -> new long[6]);
                t[0] += p.openSessions();
                t[1] += p.sessionsOpened();
                t[2] += p.messagesIn();
                t[3] += p.messagesOut();
                t[4] += p.bytesIn();
                t[5] += p.bytesOut();
            }
        }
        out.add(perPath("switchboard_sessions_open", "gauge", "WebSocket sessions open now", paths, 0));
        out.add(perPath("switchboard_sessions_opened_total", "counter", "WebSocket sessions opened", paths, 1));
        out.add(perPath("switchboard_messages_received_total", "counter", "whole messages received", paths, 2));
        out.add(perPath("switchboard_messages_sent_total", "counter", "messages sent", paths, 3));
        out.add(perPath("switchboard_received_bytes_total", "counter", "WebSocket frame bytes received, headers included",
                paths, 4));
        out.add(perPath("switchboard_sent_bytes_total", "counter", "WebSocket frame bytes sent, headers included",
                paths, 5));
        out.add(byCode("switchboard_handshakes_total", "status", "upgrade requests by answer: 101 accepted, else the HTTP status",
                servers, ServerMetrics::handshakes));
        out.add(byCode("switchboard_http_responses_total", "status", "plain HTTP responses by status", servers,
                ServerMetrics::httpResponses));
        out.add(byCode("switchboard_close_codes_sent_total", "code",
                "close codes sent (or ended with, for dropped connections) by the server", servers,
                ServerMetrics::closeCodesSent));
        out.add(byCode("switchboard_close_codes_received_total", "code", "close codes received from clients", servers,
                ServerMetrics::closeCodesReceived));
        long rtts = 0;
        double rttSeconds = 0;
        long memoryUsed = 0;
        long memoryLimit = 0;
        for (ServerMetrics server : servers) {
            rtts += server.roundTrips();
            rttSeconds += server.roundTripTotal().toNanos() / 1e9;
            memoryUsed += server.inboundMemoryUsed();
            memoryLimit += server.inboundMemoryLimit();
        }
        out.add(new Metric("switchboard_heartbeat_rtt_seconds", "summary", "round-trip times of answered heartbeat pings",
                List.of(new Sample("_count", Map.of(), rtts), new Sample("_sum", Map.of(), rttSeconds))));
        out.add(Metric.of("switchboard_inbound_memory_bytes", "gauge",
                "inbound memory budget held by messages being assembled or inflated", memoryUsed));
        out.add(Metric.of("switchboard_inbound_memory_limit_bytes", "gauge", "the inbound memory budget, 0 for none",
                memoryLimit));
        List<Sample> deploySamples = new ArrayList<>();
        deploys.counts().forEach((kind, n) -> deploySamples.add(new Sample("", Map.of("kind", kind), n)));
        out.add(new Metric("switchboard_deploy_events_total", "counter",
                "deploy folder events: installed, updated, removed, failed, rolled_back", deploySamples));
        out.add(Metric.of("switchboard_ready", "gauge", "1 while serving, 0 while stopping or draining", ready ? 1 : 0));
        jvm(out);
        return out;
    }

    private static Metric perPath(String name, String type, String help, Map<String, long[]> paths, int index) {
        List<Sample> samples = new ArrayList<>();
        paths.forEach((path, t) -> samples.add(new Sample("", Map.of("path", path), t[index])));
        return new Metric(name, type, help, samples);
    }

    private static Metric byCode(String name, String label, String help, List<ServerMetrics> servers,
            java.util.function.Function<ServerMetrics, Map<Integer, Long>> counts) {
        Map<Integer, Long> sum = new TreeMap<>();
        servers.forEach(s -> counts.apply(s).forEach((code, n) -> sum.merge(code, n, Long::sum)));
        List<Sample> samples = new ArrayList<>();
        sum.forEach((code, n) -> samples.add(new Sample("", Map.of(label, Integer.toString(code)), n)));
        return new Metric(name, "counter", help, samples);
    }

    private static void jvm(List<Metric> out) {
        var memory = ManagementFactory.getMemoryMXBean();
        MemoryUsage heap = memory.getHeapMemoryUsage();
        MemoryUsage nonHeap = memory.getNonHeapMemoryUsage();
        out.add(new Metric("jvm_memory_used_bytes", "gauge", "memory in use",
                List.of(new Sample("", Map.of("area", "heap"), heap.getUsed()),
                        new Sample("", Map.of("area", "nonheap"), nonHeap.getUsed()))));
        out.add(new Metric("jvm_memory_max_bytes", "gauge", "the most memory the JVM will use, -1 if undefined",
                List.of(new Sample("", Map.of("area", "heap"), heap.getMax()),
                        new Sample("", Map.of("area", "nonheap"), nonHeap.getMax()))));
        out.add(Metric.of("jvm_threads_live", "gauge", "live platform threads (virtual threads are not counted)",
                ManagementFactory.getThreadMXBean().getThreadCount()));
        out.add(Metric.of("jvm_classes_loaded", "gauge", "classes loaded now",
                ManagementFactory.getClassLoadingMXBean().getLoadedClassCount()));
        List<Sample> collections = new ArrayList<>();
        List<Sample> seconds = new ArrayList<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            collections.add(new Sample("", Map.of("gc", gc.getName()), Math.max(0, gc.getCollectionCount())));
            seconds.add(new Sample("", Map.of("gc", gc.getName()), Math.max(0, gc.getCollectionTime()) / 1000.0));
        }
        out.add(new Metric("jvm_gc_collections_total", "counter", "garbage collections", collections));
        out.add(new Metric("jvm_gc_collection_seconds_total", "counter", "time spent in garbage collections", seconds));
        out.add(Metric.of("process_uptime_seconds", "gauge", "time since the JVM started",
                ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0));
        out.add(Metric.of("jvm_available_processors", "gauge", "processors available to the JVM",
                Runtime.getRuntime().availableProcessors()));
    }
}
