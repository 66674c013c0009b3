package io.switchboard.tls.internal;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The little DER (X.690) that PEM keys need: reading the elements of a SEQUENCE and object
 * identifiers, and writing SEQUENCE, INTEGER, NULL, OCTET STRING and OBJECT IDENTIFIER with
 * definite lengths. Pure and stateless; a {@link Reader} is used by one thread.
 */
final class Der {

    static final int INTEGER = 0x02;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OBJECT_IDENTIFIER = 0x06;
    static final int SEQUENCE = 0x30;
    /** {@code [0]} constructed, explicit tagging: SEC1's {@code parameters}. */
    static final int CONTEXT_0 = 0xA0;

    private Der() {
    }

    /** One element: its tag and the bytes of its contents. */
    record Element(int tag, byte[] contents) {

        /** The elements inside this constructed element. */
        Reader children() {
            return new Reader(contents);
        }
    }

    /** Reads consecutive elements; throws IllegalArgumentException on malformed input. */
    static final class Reader {
        private final byte[] bytes;
        private int position;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        boolean hasNext() {
            return position < bytes.length;
        }

        Element next() {
            int tag = take();
            int length = take();
            if (length >= 0x80) {
                int count = length & 0x7F;
                if (count == 0 || count > 4) {
                    throw new IllegalArgumentException("unsupported DER length form 0x" + Integer.toHexString(length));
                }
                length = 0;
                for (int i = 0; i < count; i++) {
                    length = (length << 8) | take();
                }
            }
            if (length < 0 || length > bytes.length - position) {
                throw new IllegalArgumentException("DER element longer than its input");
            }
            byte[] contents = Arrays.copyOfRange(bytes, position, position + length);
            position += length;
            return new Element(tag, contents);
        }

        /** The next element, which must have {@code tag}. */
        Element next(int tag, String what) {
            if (!hasNext()) {
                throw new IllegalArgumentException("DER structure ends before its " + what);
            }
            Element e = next();
            if (e.tag() != tag) {
                throw new IllegalArgumentException("expected " + what + " (tag 0x" + Integer.toHexString(tag)
                        + "), found tag 0x" + Integer.toHexString(e.tag()));
            }
            return e;
        }

        private int take() {
            if (position >= bytes.length) {
                throw new IllegalArgumentException("DER input ends inside an element");
            }
            return bytes[position++] & 0xFF;
        }
    }

    /** The dotted form of an OBJECT IDENTIFIER's contents, e.g. {@code 1.2.840.10045.3.1.7}. */
    static String oid(byte[] contents) {
        StringBuilder s = new StringBuilder();
        long value = 0;
        boolean first = true;
        for (byte b : contents) {
            value = (value << 7) | (b & 0x7F);
            if ((b & 0x80) == 0) {
                if (first) {
                    int arc = (int) Math.min(value / 40, 2);
                    s.append(arc).append('.').append(value - 40L * arc);
                    first = false;
                } else {
                    s.append('.').append(value);
                }
                value = 0;
            }
        }
        return s.toString();
    }

    /** An element with {@code tag} around {@code contents}. */
    static byte[] element(int tag, byte[]... contents) {
        int length = 0;
        for (byte[] c : contents) {
            length += c.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
        } else {
            int count = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | count);
            for (int i = count - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        for (byte[] c : contents) {
            out.writeBytes(c);
        }
        return out.toByteArray();
    }

    /** A small non-negative INTEGER. */
    static byte[] integer(int value) {
        if (value < 0 || value > 0x7F) {
            throw new IllegalArgumentException("only 0..127 are written: " + value);
        }
        return element(INTEGER, new byte[] {(byte) value});
    }

    /** An OBJECT IDENTIFIER from its contents (as read by the reader). */
    static byte[] oidElement(byte[] contents) {
        return element(OBJECT_IDENTIFIER, contents);
    }

    static byte[] nullElement() {
        return new byte[] {NULL, 0};
    }
}
