/** Benchmarks: echo throughput and the cost of idle sessions. */
module io.switchboard.bench {
    requires io.switchboard.websocket;
    requires java.management;
    requires java.net.http;
}
