/** Benchmarks: echo throughput (ws and wss), the cost of idle sessions, and topic fan-out. */
module io.switchboard.bench {
    requires io.switchboard.websocket;
    requires io.switchboard.cluster.redis;
    requires io.switchboard.tls;
    requires java.management;
    requires jdk.management;
    requires java.net.http;
}
