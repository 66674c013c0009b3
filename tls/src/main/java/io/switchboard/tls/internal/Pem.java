package io.switchboard.tls.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the blocks of a PEM text (RFC 7468): {@code -----BEGIN label-----}, base64 lines,
 * {@code -----END label-----}. Text outside blocks and whitespace ending the BEGIN line are
 * ignored, as RFC 7468 §2 and §3 (lax parsing) allow.
 * Encrypted legacy blocks (with {@code Proc-Type} headers) are rejected with a clear message.
 * Pure and stateless.
 */
public final class Pem {

    /** One block: its label (e.g. {@code CERTIFICATE}) and decoded bytes. */
    public record Block(String label, byte[] der) {
    }

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----[ \\t]*\\R(.*?)-----END ([A-Z0-9 ]+)-----", Pattern.DOTALL);

    private Pem() {
    }

    /**
     * Decodes every block of {@code text}.
     *
     * @param source names the input in error messages, e.g. the file name
     * @throws IllegalArgumentException if there is no block, a block's END label does not match
     *     its BEGIN, or its body is not base64
     */
    public static List<Block> read(byte[] text, String source) {
        String s = new String(text, StandardCharsets.US_ASCII);
        Matcher m = BLOCK.matcher(s);
        List<Block> blocks = new ArrayList<>();
        while (m.find()) {
            String label = m.group(1);
            if (!label.equals(m.group(3))) {
                throw new IllegalArgumentException(source + ": PEM block BEGIN " + label + " ends with END " + m.group(3));
            }
            String body = m.group(2);
            if (body.contains("Proc-Type:")) {
                throw new IllegalArgumentException(source + ": legacy encrypted PEM (Proc-Type) is not supported; "
                        + "convert the key to encrypted PKCS#8");
            }
            try {
                blocks.add(new Block(label, Base64.getDecoder().decode(body.replaceAll("\\s", ""))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": PEM block " + label + " is not valid base64");
            }
        }
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException(source + ": no PEM block (-----BEGIN ...-----) found");
        }
        return blocks;
    }
}
