package io.switchboard.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * permessage-deflate with a 12-bit window on a real module path: JZlib lives inside the
 * io.switchboard.websocket module (relocated into a private package, no jar of its own), and a
 * server and client there compress with it.
 */
@Timeout(60)
class ModulePathDeflateTest {

    private static final String PROGRAM = """
            import io.switchboard.api.Headers;
            import io.switchboard.api.Message;
            import io.switchboard.websocket.*;

            public class DeflateOnModulePath {
                public static void main(String[] args) throws Exception {
                    WebSocketOptions o = WebSocketOptions.builder().compression(true).build();
                    WebSocketServer server = new WebSocketServer(o);
                    server.webSocket("/ws", (req, ws) -> { Message m; while ((m = ws.read()) != null) ws.send(m); });
                    int port = server.start("127.0.0.1", 0);
                    WebSocketClient c = new WebSocketClient("ws://127.0.0.1:" + port + "/ws", Headers.empty(), o);
                    System.out.println(c.connect().headers().first("Sec-WebSocket-Extensions").orElse("none"));
                    for (int i = 0; i < 50; i++) {
                        String s = "{\\"seq\\":" + i + ",\\"body\\":\\"" + "x".repeat(i * 40) + "\\"}";
                        c.send(s);
                        if (!(c.read() instanceof Message.Text t) || !t.text().equals(s)) throw new AssertionError(i);
                    }
                    Class<?> jzlib = Class.forName("io.switchboard.websocket.internal.jzlib.Deflater", false,
                            WebSocketServer.class.getClassLoader());
                    System.out.println("50 echoes in " + jzlib.getModule().getName());
                    c.close();
                    server.stop();
                }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void compressionWithSmallWindowsWorksOnTheModulePath() throws Exception {
        Path source = Files.writeString(dir.resolve("DeflateOnModulePath.java"), PROGRAM);
        List<String> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("target", "modules"))) {
            files.filter(p -> p.toString().endsWith(".jar")).forEach(p -> jars.add(p.toAbsolutePath().toString()));
        }
        assertTrue(jars.stream().noneMatch(j -> j.contains("jzlib")), "no JZlib jar on the module path: " + jars);
        String javaCommand = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(javaCommand, "-Djava.util.logging.config.file=/dev/null",
                "--module-path", String.join(java.io.File.pathSeparator, jars),
                "--add-modules", "io.switchboard.websocket,io.switchboard.transport", source.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(50, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        List<String> lines = out.lines().filter(l -> !l.contains("WebSocketServer") && !l.startsWith("INFO")).toList();
        assertEquals(List.of("permessage-deflate; server_max_window_bits=12; client_max_window_bits=12",
                "50 echoes in io.switchboard.websocket"), lines, out);
    }
}
