package io.switchboard.admin.internal;

import io.switchboard.api.Request;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who may see admin data (the status page and its socket, metrics, handler lists): clients on
 * the loopback interface always; clients whose address is in the allow list ({@code
 * --admin-allow}: addresses and CIDR blocks such as {@code 10.0.0.0/8}); and, when an admin
 * token is set, any client presenting it as {@code Authorization: Bearer <token>} or as the
 * query parameter {@code token} (a browser's WebSocket cannot set headers). Immutable.
 */
public final class AdminAccess {

    /** One allowed block: an address and the number of leading bits that must match. */
    private record Block(byte[] address, int bits) {
        boolean contains(byte[] candidate) {
            if (candidate.length != address.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (candidate[i] != address[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (candidate[full] & mask) == (address[full] & mask);
        }
    }

    private final List<Block> allowed;
    private final byte[] token;

    private AdminAccess(List<Block> allowed, String token) {
        this.allowed = allowed;
        this.token = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param allow comma-separated addresses and CIDR blocks (literal IPs only, no names), or empty
     * @param token the admin token, or null/empty for none
     * @throws IllegalArgumentException naming an entry that is not an IP address or CIDR block
     */
    public static AdminAccess of(String allow, String token) {
        List<Block> blocks = new ArrayList<>();
        if (allow != null) {
            for (String entry : allow.split(",")) {
                String e = entry.strip();
                if (e.isEmpty()) {
                    continue;
                }
                int slash = e.indexOf('/');
                String host = slash < 0 ? e : e.substring(0, slash);
                if (!host.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
                    throw new IllegalArgumentException("admin allow entry '" + e + "' is not an IP address or CIDR block");
                }
                try {
                    byte[] address = InetAddress.getByName(host).getAddress(); // a literal: no lookup
                    int bits = slash < 0 ? address.length * 8 : Integer.parseInt(e.substring(slash + 1));
                    if (bits < 0 || bits > address.length * 8) {
                        throw new IllegalArgumentException("admin allow entry '" + e + "' has a bad prefix length");
                    }
                    blocks.add(new Block(address, bits));
                } catch (UnknownHostException | NumberFormatException ex) {
                    throw new IllegalArgumentException("admin allow entry '" + e + "' is not an IP address or CIDR block");
                }
            }
        }
        return new AdminAccess(List.copyOf(blocks), token);
    }

    /** Whether {@code request} may see admin data. */
    public boolean permits(Request request) {
        if (request.remoteAddress() instanceof InetSocketAddress inet && inet.getAddress() != null) {
            InetAddress address = inet.getAddress();
            if (address.isLoopbackAddress()) {
                return true;
            }
            byte[] bytes = address.getAddress();
            for (Block block : allowed) {
                if (block.contains(bytes)) {
                    return true;
                }
            }
        } else if (!(request.remoteAddress() instanceof InetSocketAddress)) {
            return true; // a Unix-domain socket: only local processes with file access reach it
        }
        if (token == null) {
            return false;
        }
        Optional<String> presented = request.header("Authorization")
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7)).map(h -> h.substring(7).strip())
                .or(() -> request.queryParameter("token"));
        return presented.isPresent()
                && MessageDigest.isEqual(token, presented.get().getBytes(StandardCharsets.UTF_8)); // constant time
    }

    /** What a refused client is told. */
    public String refusal() {
        return "admin data is served to loopback clients" + (allowed.isEmpty() ? "" : " and the --admin-allow list")
                + (token == null ? "" : ", or with the admin token") + "\n";
    }
}
