package io.switchboard.bench;

import io.switchboard.api.MessageStream;
import io.switchboard.websocket.WebSocketClient;
import io.switchboard.websocket.WebSocketOptions;
import io.switchboard.websocket.WebSocketServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * One huge binary message through a streaming echo, server and client in this JVM: shows that
 * memory stays flat whatever the message size. Run with a small heap, e.g.
 * {@code java -Xmx32m ... io.switchboard.bench.StreamEcho 2} for 2 GiB. Prints the time, the
 * throughput, the peak heap in use and whether the SHA-256 of what came back matches.
 */
public final class StreamEcho {

    private StreamEcho() {
    }

    public static void main(String[] args) throws Exception {
        long gib = args.length > 0 ? Long.parseLong(args[0]) : 2;
        long size = gib * 1024 * 1024 * 1024;
        WebSocketOptions options = WebSocketOptions.builder().maxMessageSize(64 * 1024).build();
        WebSocketServer server = new WebSocketServer(options).webSocket("/stream", (request, ws) -> {
            MessageStream next;
            while ((next = ws.readStream()) != null) {
                try (MessageStream in = next; OutputStream out = ws.sendStream()) {
                    in.bytes().transferTo(out);
                } catch (IOException e) {
                    return;
                }
            }
        });
        int port = server.start("127.0.0.1", 0);
        WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + port + "/stream",
                io.switchboard.api.Headers.empty(), options);
        if (!client.connect().isConnected()) {
            throw new IllegalStateException("no connection");
        }
        CompletableFuture<byte[]> back = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (MessageStream in = client.readStream()) {
                back.complete(sha256(in.bytes()));
            } catch (Throwable e) {
                back.completeExceptionally(e);
            }
        });
        long start = System.nanoTime();
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        byte[] block = new byte[256 * 1024];
        try (OutputStream out = client.sendStream()) {
            for (long written = 0; written < size; written += block.length) {
                Arrays.fill(block, 0, 8, (byte) (written >>> 18));
                int n = (int) Math.min(block.length, size - written);
                out.write(block, 0, n);
                sent.update(block, 0, n);
            }
        }
        byte[] echoed = back.get();
        double seconds = (System.nanoTime() - start) / 1e9;
        long peakHeap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peakHeap += pool.getPeakUsage().getUsed();
            }
        }
        byte[] expected = sent.digest();
        System.out.printf("%d GiB echoed as one streamed message in %.1f s (%.0f MiB/s each way); max heap %d MiB,"
                + " peak heap in use %d MiB; sha-256 %s %s%n", gib, seconds, size / seconds / (1 << 20),
                Runtime.getRuntime().maxMemory() >> 20, peakHeap >> 20, HexFormat.of().formatHex(expected, 0, 8),
                Arrays.equals(expected, echoed) ? "matches" : "DIFFERS");
        client.close();
        server.stop();
    }

    private static byte[] sha256(InputStream in) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[256 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            d.update(buffer, 0, n);
        }
        return d.digest();
    }
}
