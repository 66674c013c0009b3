package io.switchboard.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.websocket.internal.HttpHead.HttpException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutations of a valid upgrade request: the server-side parsing and validation may
 * refuse them only with an HTTP status (400, 405, 426, 431, 505) or end of stream, never with
 * any other exception.
 */
class HandshakeFuzzTest {

    private static final String VALID = "GET /chat?room=1 HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\n"
            + "Connection: keep-alive, Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Protocol: chat, superchat\r\nSec-WebSocket-Version: 13\r\nOrigin: http://example.com\r\n\r\n";

    @Test
    void mutatedUpgradeRequestsAreRefusedOnlyWithAnHttpStatus() throws IOException {
        Random random = new Random(9110);
        int accepted = 0;
        int refused = 0;
        for (int round = 0; round < 5000; round++) {
            byte[] bytes = VALID.getBytes(StandardCharsets.ISO_8859_1);
            int edits = 1 + random.nextInt(3);
            for (int i = 0; i < edits; i++) {
                int at = random.nextInt(bytes.length);
                bytes[at] = switch (random.nextInt(4)) {
                    case 0 -> (byte) random.nextInt(256);
                    case 1 -> (byte) ' ';
                    case 2 -> (byte) (random.nextBoolean() ? '\n' : '\r');
                    default -> (byte) (bytes[at] ^ 0x20); // flip case
                };
            }
            try {
                HttpHead head = HttpHead.read(new ByteArrayInputStream(bytes), 8192);
                ServerHandshake.RequestLine line = ServerHandshake.parseRequestLine(head.startLine());
                ServerHandshake.validate(line.method(), head.headers());
                ServerHandshake.offeredProtocols(head.headers());
                UpgradeRequest.parseQuery(line.rawQuery());
                accepted++;
            } catch (HttpException | ServerHandshake.Rejection e) {
                refused++;
            } catch (EOFException e) {
                // the blank line was destroyed: the server would wait for more
            } catch (RuntimeException e) {
                throw new AssertionError("round " + round + " on\n" + new String(bytes, StandardCharsets.ISO_8859_1), e);
            }
        }
        assertTrue(accepted > 100 && refused > 1000, accepted + " accepted, " + refused + " refused");
    }
}
