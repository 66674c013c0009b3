package io.switchboard.tls.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** X.690 §8.1.3 length forms and OID text, written then read back. */
class DerTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void shortLengthsUseOneOctet() {
        assertArrayEquals(HEX.parseHex("04020102"), Der.element(Der.OCTET_STRING, new byte[] {1, 2}));
    }

    @Test
    void longLengthsUseTheLongFormWithTheFewestOctets() {
        assertEquals("048180", HEX.formatHex(Der.element(Der.OCTET_STRING, new byte[0x80])).substring(0, 6));
        assertEquals("0482012c", HEX.formatHex(Der.element(Der.OCTET_STRING, new byte[300])).substring(0, 8));
        assertEquals("048301117", HEX.formatHex(Der.element(Der.OCTET_STRING, new byte[70_000])).substring(0, 9));
    }

    @Test
    void writtenElementsReadBack() {
        byte[] der = Der.element(Der.SEQUENCE, Der.integer(0), Der.element(Der.OCTET_STRING, new byte[300]));
        Der.Reader sequence = new Der.Reader(der).next(Der.SEQUENCE, "sequence").children();
        assertArrayEquals(new byte[] {0}, sequence.next(Der.INTEGER, "version").contents());
        assertEquals(300, sequence.next(Der.OCTET_STRING, "key").contents().length);
    }

    @Test
    void oidsReadInDottedForm() {
        assertEquals("1.2.840.10045.3.1.7", Der.oid(HEX.parseHex("2a8648ce3d030107")));
        assertEquals("1.3.101.112", Der.oid(HEX.parseHex("2b6570")));
    }

    @Test
    void truncatedInputIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Der.Reader(HEX.parseHex("04050102")).next());
        assertThrows(IllegalArgumentException.class, () -> new Der.Reader(HEX.parseHex("30")).next());
    }
}
