package io.switchboard.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One {@code GET} over a fresh loopback connection with {@code Connection: close}, read to its
 * end (the launcher's test module does not read java.net.http). Bounded by socket timeouts.
 *
 * @param status the response status
 * @param body the body as UTF-8 text
 */
record PlainGet(int status, String head, String body) {

    static PlainGet get(int port, String pathAndQuery) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            java.io.ByteArrayOutputStream headBytes = new java.io.ByteArrayOutputStream();
            while (!headBytes.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("no complete response head: " + headBytes);
                }
                headBytes.write(b);
            }
            String head = headBytes.toString(StandardCharsets.ISO_8859_1).strip();
            int status = Integer.parseInt(head.split(" ", 3)[1]);
            java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?im)^content-length:\\s*(\\d+)$").matcher(head);
            byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : in.readAllBytes();
            return new PlainGet(status, head, new String(body, StandardCharsets.UTF_8));
        }
    }
}
