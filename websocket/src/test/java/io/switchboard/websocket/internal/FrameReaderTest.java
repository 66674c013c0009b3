package io.switchboard.websocket.internal;

import static io.switchboard.websocket.internal.Frames.closePayload;
import static io.switchboard.websocket.internal.Frames.concat;
import static io.switchboard.websocket.internal.Frames.frame;
import static io.switchboard.websocket.internal.Frames.hex;
import static io.switchboard.websocket.internal.Frames.pattern;
import static io.switchboard.websocket.internal.Frames.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Message;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 6455 §5 receiving rules. The server role ({@code isClient=false}) reads masked frames,
 * the client role unmasked ones. Hex vectors are from §5.7.
 */
class FrameReaderTest {

    private static final long NO_LIMIT = Long.MAX_VALUE;
    private static final boolean SERVER = false;
    private static final boolean CLIENT = true;

    private final RecordingCallback callback = new RecordingCallback();

    private FrameReader reader(InputStream in, boolean isClient, long maxMessageSize) {
        return new FrameReader(in, isClient, maxMessageSize, callback);
    }

    private FrameReader server(byte[] bytes) {
        return reader(new ByteArrayInputStream(bytes), SERVER, NO_LIMIT);
    }

    private FrameReader client(byte[] bytes) {
        return reader(new ByteArrayInputStream(bytes), CLIENT, NO_LIMIT);
    }

    @Test
    void aTrimmedReaderHoldsNoMessageBufferBetweenMessagesAndReadsOnAsBefore() throws Exception {
        InboundMemory.Account account = new InboundMemory(Long.MAX_VALUE).account();
        byte[] first = pattern(1000);
        Arrays.fill(first, (byte) 'a');
        byte[] bytes = concat(frame(0x81, first, true), frame(0x01, utf8("ab"), true), frame(0x80, utf8("c"), true),
                frame(0x81, utf8("d"), true));
        FrameReader reader = new FrameReader(new ByteArrayInputStream(bytes), SERVER, NO_LIMIT, null, account, callback);
        assertEquals(new Message.Text("a".repeat(1000)), reader.readMessage());
        assertEquals(1000, account.held(), "a text message's buffer stays for the next one");
        reader.trim();
        assertEquals(0, account.held());
        assertEquals(new Message.Text("abc"), reader.readMessage());
        reader.trim();
        assertEquals(new Message.Text("d"), reader.readMessage());
    }

    private static void assertFails(CloseStatus expected, Executable read) {
        ProtocolException e = assertThrows(ProtocolException.class, read);
        assertEquals(expected, e.status(), e.getMessage());
    }

    // §5.7 vectors

    @Test
    void readsUnmaskedSingleFrameTextInClientRole() throws Exception {
        assertEquals(new Message.Text("Hello"), client(hex("81 05 48 65 6c 6c 6f")).readMessage());
        assertEquals(List.of(), callback.events());
    }

    @Test
    void readsMaskedSingleFrameTextInServerRole() throws Exception {
        assertEquals(new Message.Text("Hello"), server(hex("81 85 37 fa 21 3d 7f 9f 4d 51 58")).readMessage());
        assertEquals(List.of(), callback.events());
    }

    @Test
    void assemblesFragmentedUnmaskedText() throws Exception {
        FrameReader reader = client(hex("01 03 48 65 6c  80 02 6c 6f"));
        assertEquals(new Message.Text("Hello"), reader.readMessage());
        assertThrows(EOFException.class, reader::readMessage);
    }

    @Test
    void unmaskedPingIsPassedToTheCallbackBeforeTheNextMessage() throws Exception {
        FrameReader reader = client(hex("89 05 48 65 6c 6c 6f  81 05 48 65 6c 6c 6f"));
        assertEquals(new Message.Text("Hello"), reader.readMessage());
        assertEquals(List.of("ping 48656c6c6f"), callback.events());
    }

    @Test
    void maskedPongIsUnmaskedAndPassedToTheCallback() throws Exception {
        FrameReader reader = server(concat(hex("8a 85 37 fa 21 3d 7f 9f 4d 51 58"), frame(0x88, new byte[0], true)));
        assertNull(reader.readMessage());
        assertEquals(List.of("pong 48656c6c6f", "close 1005 "), callback.events());
    }

    @Test
    void readsBinaryWith16BitLength() throws Exception {
        byte[] payload = pattern(256);
        Message m = client(concat(hex("82 7e 01 00"), payload)).readMessage();
        assertArrayEquals(payload, assertInstanceOf(Message.Binary.class, m).bytes());
    }

    @Test
    void readsBinaryWith64BitLength() throws Exception {
        byte[] payload = pattern(65536);
        Message m = client(concat(hex("82 7f 00 00 00 00 00 01 00 00"), payload)).readMessage();
        assertArrayEquals(payload, assertInstanceOf(Message.Binary.class, m).bytes());
    }

    @Test
    void readsMaskedBinaryWith64BitLengthLargerThanOneChunk() throws Exception {
        byte[] payload = pattern(FrameReader.CHUNK * 2 + 3);
        Message m = server(frame(0x82, payload, true)).readMessage();
        assertArrayEquals(payload, assertInstanceOf(Message.Binary.class, m).bytes());
    }

    // masking direction (§5.1)

    @Test
    void clientFramesMustBeMasked() {
        assertFails(CloseStatus.PROTOCOL_ERROR, () -> server(hex("81 05 48 65 6c 6c 6f")).readMessage());
    }

    @Test
    void serverFramesMustNotBeMasked() {
        assertFails(CloseStatus.PROTOCOL_ERROR, () -> client(hex("81 85 37 fa 21 3d 7f 9f 4d 51 58")).readMessage());
    }

    // frame header (§5.2)

    @ParameterizedTest(name = "RSV bits 0x{0}")
    @ValueSource(ints = {0x40, 0x20, 0x10, 0x70})
    void reservedBitsMustBeClearWithoutAnExtension(int rsv) {
        assertFails(CloseStatus.PROTOCOL_ERROR, () -> server(frame(0x81 | rsv, utf8("Hello"), true)).readMessage());
    }

    @Test
    void reservedBitsMustBeClearOnControlFrames() {
        assertFails(CloseStatus.PROTOCOL_ERROR, () -> client(frame(0x89 | 0x40, new byte[0], false)).readMessage());
    }

    @ParameterizedTest(name = "opcode 0x{0}")
    @ValueSource(ints = {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF})
    void reservedOpcodesAreRejected(int opcode) {
        assertFails(CloseStatus.PROTOCOL_ERROR, () -> server(frame(0x80 | opcode, utf8("x"), true)).readMessage());
    }

    @Test
    void sixtyFourBitLengthMustHaveItsMostSignificantBitClear() {
        assertFails(CloseStatus.PROTOCOL_ERROR,
                () -> client(concat(hex("82 7f 80 00 00 00 00 00 00 05"), utf8("Hello"))).readMessage());
    }

    // control frames (§5.5)

    @ParameterizedTest(name = "opcode 0x{0}")
    @ValueSource(ints = {0x8, 0x9, 0xA})
    void controlFramePayloadMustNotExceed125Bytes(int opcode) {
        assertFails(CloseStatus.PROTOCOL_ERROR, () -> server(frame(0x80 | opcode, pattern(126), true)).readMessage());
    }

    @Test
    void controlFramePayloadOf125BytesIsAccepted() throws Exception {
        FrameReader reader = server(concat(frame(0x89, pattern(125), true), frame(0x81, utf8("x"), true)));
        assertEquals(new Message.Text("x"), reader.readMessage());
        assertEquals(List.of("ping " + hex(pattern(125))), callback.events());
    }

    @ParameterizedTest(name = "opcode 0x{0}")
    @ValueSource(ints = {0x8, 0x9, 0xA})
    void controlFramesMustNotBeFragmented(int opcode) {
        assertFails(CloseStatus.PROTOCOL_ERROR, () -> server(frame(opcode, new byte[0], true)).readMessage());
    }

    @Test
    void controlFrameBetweenFragmentsMustNotBeFragmentedEither() {
        byte[] bytes = concat(frame(0x01, utf8("Hel"), true), frame(0x09, utf8("p"), true), frame(0x80, utf8("lo"), true));
        assertFails(CloseStatus.PROTOCOL_ERROR, () -> server(bytes).readMessage());
    }

    // fragmentation (§5.4)

    @ParameterizedTest(name = "b0 0x{0}")
    @ValueSource(ints = {0x80, 0x00})
    void continuationWithoutAStartIsRejected(int b0) {
        assertFails(CloseStatus.PROTOCOL_ERROR, () -> server(frame(b0, utf8("lo"), true)).readMessage());
    }

    @Test
    void continuationAfterACompleteMessageIsRejected() throws Exception {
        FrameReader reader = server(concat(frame(0x81, utf8("Hello"), true), frame(0x80, utf8("lo"), true)));
        assertEquals(new Message.Text("Hello"), reader.readMessage());
        assertFails(CloseStatus.PROTOCOL_ERROR, reader::readMessage);
    }

    @ParameterizedTest(name = "second frame b0 0x{0}")
    @ValueSource(ints = {0x81, 0x82, 0x01, 0x02})
    void newDataFrameInsideAFragmentedMessageIsRejected(int b0) {
        byte[] bytes = concat(frame(0x01, utf8("Hel"), true), frame(b0, utf8("lo"), true));
        assertFails(CloseStatus.PROTOCOL_ERROR, () -> server(bytes).readMessage());
    }

    @Test
    void pingBetweenFragmentsGoesToTheCallbackAndTheMessageStillAssembles() throws Exception {
        byte[] bytes = concat(frame(0x02, utf8("Hel"), true), frame(0x89, utf8("p"), true),
                frame(0x00, utf8("l"), true), frame(0x8A, utf8("q"), true), frame(0x80, utf8("o"), true));
        FrameReader reader = server(bytes);
        assertEquals(new Message.Binary(utf8("Hello")), reader.readMessage());
        assertEquals(List.of("ping 70", "pong 71"), callback.events());
    }

    @Test
    void closeBetweenFragmentsEndsReading() throws Exception {
        byte[] bytes = concat(frame(0x01, utf8("Hel"), true), frame(0x88, closePayload(1001, utf8("bye")), true));
        assertNull(server(bytes).readMessage());
        assertEquals(List.of("close 1001 bye"), callback.events());
    }

    @Test
    void emptyFragmentsAreAllowed() throws Exception {
        byte[] bytes = concat(frame(0x01, new byte[0], true), frame(0x00, utf8("Hi"), true), frame(0x80, new byte[0], true));
        assertEquals(new Message.Text("Hi"), server(bytes).readMessage());
    }

    @Test
    void eachFragmentHasItsOwnMaskingKey() throws Exception {
        byte[] first = frame(0x01, utf8("Hel"), true);
        byte[] second = frame(0x80, utf8("lo"), true);
        // Re-mask the second fragment with another key: 0x01020304.
        byte[] key = {1, 2, 3, 4};
        byte[] reMasked = second.clone();
        for (int i = 0; i < 4; i++) {
            reMasked[2 + i] = key[i];
        }
        byte[] plain = utf8("lo");
        for (int i = 0; i < plain.length; i++) {
            reMasked[6 + i] = (byte) (plain[i] ^ key[i]);
        }
        assertEquals(new Message.Text("Hello"), server(concat(first, reMasked)).readMessage());
    }

    // UTF-8 (§8.1)

    static Stream<Arguments> invalidUtf8() {
        return Stream.of(
                Arguments.of("lone continuation byte", hex("80")),
                Arguments.of("overlong 2-byte NUL", hex("c0 80")),
                Arguments.of("overlong 2-byte slash", hex("c1 af")),
                Arguments.of("overlong 3-byte", hex("e0 80 af")),
                Arguments.of("overlong 4-byte", hex("f0 80 80 af")),
                Arguments.of("surrogate U+D800", hex("ed a0 80")),
                Arguments.of("surrogate U+DFFF", hex("ed bf bf")),
                Arguments.of("above U+10FFFF", hex("f4 90 80 80")),
                Arguments.of("lead byte F5", hex("f5 80 80 80")),
                Arguments.of("byte FF", hex("ff")),
                Arguments.of("lead without continuation", hex("e2 28 a1")),
                Arguments.of("valid text then a 2-byte lead at the end", concat(utf8("κόσμε"), hex("ce"))),
                Arguments.of("valid text then a bad continuation", concat(utf8("κόσμε"), hex("ce 41"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidUtf8")
    void textMustBeValidUtf8(String name, byte[] payload) {
        assertFails(CloseStatus.INVALID_PAYLOAD, () -> server(frame(0x81, payload, true)).readMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidUtf8")
    void binaryIsNotCheckedForUtf8(String name, byte[] payload) throws Exception {
        assertEquals(new Message.Binary(payload), server(frame(0x82, payload, true)).readMessage());
    }

    @Test
    void invalidUtf8InTheFirstFragmentFailsBeforeTheSecondIsRead() {
        byte[] first = frame(0x01, concat(utf8("ok"), hex("ed a0 80")), true);
        byte[] second = frame(0x80, utf8("never read"), true);
        PieceInputStream in = PieceInputStream.failingPast(concat(first, second), first.length);
        assertFails(CloseStatus.INVALID_PAYLOAD, () -> reader(in, SERVER, NO_LIMIT).readMessage());
    }

    @Test
    void invalidUtf8AtTheStartOfALargeFrameFailsWithinTheFirstChunk() {
        byte[] payload = new byte[FrameReader.CHUNK * 3];
        Arrays.fill(payload, (byte) 'a');
        payload[0] = (byte) 0xFF;
        byte[] bytes = frame(0x81, payload, false);
        int header = 10;
        PieceInputStream in = PieceInputStream.failingPast(bytes, header + FrameReader.CHUNK);
        assertFails(CloseStatus.INVALID_PAYLOAD, () -> reader(in, CLIENT, NO_LIMIT).readMessage());
    }

    @Test
    void textEndingInsideAUtf8SequenceIsRejected() {
        assertFails(CloseStatus.INVALID_PAYLOAD, () -> server(frame(0x81, hex("61 e2 82"), true)).readMessage());
    }

    @Test
    void fragmentedTextEndingInsideAUtf8SequenceIsRejected() {
        byte[] bytes = concat(frame(0x01, utf8("a"), true), frame(0x80, hex("f0 9f 98"), true));
        assertFails(CloseStatus.INVALID_PAYLOAD, () -> server(bytes).readMessage());
    }

    @Test
    void aUtf8SequenceMaySpanFragments() throws Exception {
        // U+20AC EURO SIGN is E2 82 AC; U+1F600 is F0 9F 98 80.
        byte[] bytes = concat(frame(0x01, hex("e2"), true), frame(0x00, hex("82 ac f0 9f"), true),
                frame(0x80, hex("98 80"), true));
        assertEquals(new Message.Text("€\uD83D\uDE00"), server(bytes).readMessage());
    }

    // close frames (§5.5.1, §7.4)

    @Test
    void closePayloadOfOneByteIsRejected() {
        assertFails(CloseStatus.PROTOCOL_ERROR, () -> server(frame(0x88, hex("03"), true)).readMessage());
    }

    @ParameterizedTest(name = "code {0}")
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535})
    void closeCodesThatMustNotBeSentAreRejected(int code) {
        assertFails(CloseStatus.PROTOCOL_ERROR, () -> server(frame(0x88, closePayload(code, new byte[0]), true)).readMessage());
        assertEquals(List.of(), callback.events());
    }

    @ParameterizedTest(name = "code {0}")
    @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999})
    void validCloseCodesAreDeliveredToOnClose(int code) throws Exception {
        FrameReader reader = server(frame(0x88, closePayload(code, utf8("why ü")), true));
        assertNull(reader.readMessage());
        assertEquals(List.of("close " + code + " why ü"), callback.events());
    }

    @Test
    void emptyCloseIsReportedAsNoStatusReceived() throws Exception {
        assertNull(client(hex("88 00")).readMessage());
        assertEquals(List.of("close 1005 "), callback.events());
    }

    @Test
    void closeWithCodeAndNoReasonHasAnEmptyReason() throws Exception {
        assertNull(client(hex("88 02 03 e8")).readMessage());
        assertEquals(List.of("close 1000 "), callback.events());
    }

    @Test
    void closeReasonMustBeValidUtf8() {
        assertFails(CloseStatus.INVALID_PAYLOAD,
                () -> server(frame(0x88, closePayload(1000, hex("61 ed a0 80")), true)).readMessage());
    }

    @Test
    void closeReasonMustNotEndInsideAUtf8Sequence() {
        assertFails(CloseStatus.INVALID_PAYLOAD,
                () -> server(frame(0x88, closePayload(1000, hex("61 e2 82")), true)).readMessage());
    }

    // message size limit

    @Test
    void messageOverTheLimitIsRejected() {
        FrameReader reader = reader(new ByteArrayInputStream(frame(0x82, pattern(11), true)), SERVER, 10);
        assertFails(CloseStatus.MESSAGE_TOO_BIG, reader::readMessage);
    }

    @Test
    void messageExactlyAtTheLimitIsAccepted() throws Exception {
        FrameReader reader = reader(new ByteArrayInputStream(frame(0x81, utf8("0123456789"), true)), SERVER, 10);
        assertEquals(new Message.Text("0123456789"), reader.readMessage());
    }

    @Test
    void messageLimitCountsAllFragments() {
        byte[] first = frame(0x02, pattern(6), false);
        byte[] second = frame(0x80, pattern(5), false);
        // The second header says 6 + 5 > 10; its payload must not be read.
        PieceInputStream in = PieceInputStream.failingPast(concat(first, second), first.length + 2);
        assertFails(CloseStatus.MESSAGE_TOO_BIG, () -> reader(in, CLIENT, 10).readMessage());
    }

    @Test
    void fragmentsAddingUpToExactlyTheLimitAreAccepted() throws Exception {
        byte[] bytes = concat(frame(0x02, pattern(6), false), frame(0x80, pattern(4), false));
        Message m = reader(new ByteArrayInputStream(bytes), CLIENT, 10).readMessage();
        assertEquals(new Message.Binary(concat(pattern(6), pattern(4))), m);
    }

    @Test
    void messageSizeIsCheckedFromThe64BitHeaderBeforeThePayloadIsRead() {
        byte[] header = hex("82 7f 00 00 00 01 00 00 00 00"); // 4 GiB
        PieceInputStream in = PieceInputStream.failingPast(header, header.length);
        assertFails(CloseStatus.MESSAGE_TOO_BIG, () -> reader(in, CLIENT, 1 << 20).readMessage());
    }

    @Test
    void messageSizeIsCheckedFromTheMaskedHeaderBeforeThePayloadIsRead() {
        byte[] header = hex("81 fe 01 00 37 fa 21 3d"); // 256 bytes, masked
        PieceInputStream in = PieceInputStream.failingPast(header, header.length);
        assertFails(CloseStatus.MESSAGE_TOO_BIG, () -> reader(in, SERVER, 255).readMessage());
    }

    @Test
    void controlFramesDoNotCountTowardsTheMessageLimit() throws Exception {
        byte[] bytes = concat(frame(0x01, utf8("12345"), true), frame(0x89, pattern(100), true),
                frame(0x80, utf8("67890"), true));
        assertEquals(new Message.Text("1234567890"), reader(new ByteArrayInputStream(bytes), SERVER, 10).readMessage());
    }

    // empty messages and message boundaries

    @Test
    void emptyTextMessageIsDelivered() throws Exception {
        assertEquals(new Message.Text(""), server(hex("81 80 37 fa 21 3d")).readMessage());
    }

    @Test
    void emptyBinaryMessageIsDelivered() throws Exception {
        assertEquals(new Message.Binary(new byte[0]), client(hex("82 00")).readMessage());
    }

    @Test
    void consecutiveMessagesOfBothTypesAreKeptApart() throws Exception {
        FrameReader reader = server(concat(
                frame(0x81, utf8("Hello"), true),
                frame(0x82, pattern(3), true),
                frame(0x02, pattern(2), true), frame(0x80, pattern(1), true),
                frame(0x82, pattern(5), true),
                frame(0x81, utf8("!"), true)));
        assertEquals(new Message.Text("Hello"), reader.readMessage());
        assertEquals(new Message.Binary(pattern(3)), reader.readMessage());
        assertEquals(new Message.Binary(concat(pattern(2), pattern(1))), reader.readMessage());
        assertEquals(new Message.Binary(pattern(5)), reader.readMessage());
        assertEquals(new Message.Text("!"), reader.readMessage());
    }

    @Test
    void everyBinaryMessageOwnsItsArray() throws Exception {
        FrameReader reader = server(concat(frame(0x82, pattern(4), true), frame(0x82, pattern(4), true)));
        byte[] first = ((Message.Binary) reader.readMessage()).bytes();
        byte[] second = ((Message.Binary) reader.readMessage()).bytes();
        assertNotSame(first, second);
        Arrays.fill(first, (byte) 0);
        assertArrayEquals(pattern(4), second);
    }

    // end of stream

    @Test
    void endOfStreamBeforeAnyFrameIsEof() {
        assertThrows(EOFException.class, () -> server(new byte[0]).readMessage());
    }

    static IntStream cutsInsideAMaskedFrame() {
        return IntStream.range(1, frame(0x81, utf8("Hello"), true).length);
    }

    @ParameterizedTest(name = "cut after {0} bytes")
    @MethodSource("cutsInsideAMaskedFrame")
    void endOfStreamInsideAFrameIsEof(int cut) {
        byte[] bytes = Arrays.copyOf(frame(0x81, utf8("Hello"), true), cut);
        assertThrows(EOFException.class, () -> server(bytes).readMessage());
    }

    @ParameterizedTest(name = "cut after {0} bytes")
    @ValueSource(ints = {1, 2, 3, 5, 9, 10, 11, 300})
    void endOfStreamInsideAnExtendedLengthIsEof(int cut) {
        byte[] sixteen = frame(0x82, pattern(300), false);
        byte[] sixtyFour = frame(0x82, pattern(70000), false);
        assertThrows(EOFException.class, () -> client(Arrays.copyOf(sixteen, cut)).readMessage());
        assertThrows(EOFException.class, () -> client(Arrays.copyOf(sixtyFour, cut)).readMessage());
    }

    @Test
    void endOfStreamBetweenFragmentsIsEof() {
        assertThrows(EOFException.class, () -> server(frame(0x01, utf8("Hel"), true)).readMessage());
    }

    @Test
    void endOfStreamInsideAControlFrameIsEof() {
        byte[] ping = frame(0x89, utf8("Hello"), true);
        assertThrows(EOFException.class, () -> server(Arrays.copyOf(ping, ping.length - 1)).readMessage());
        assertEquals(List.of(), callback.events());
    }

    // split reads: the result must not depend on how the bytes arrive

    private static byte[] conversation(boolean masked) {
        return concat(
                frame(0x01, utf8("Hel"), masked),
                frame(0x89, utf8("ping"), masked),
                frame(0x80, utf8("lo"), masked),
                frame(0x82, pattern(300), masked),
                frame(0x8A, new byte[0], masked),
                frame(0x81, utf8("€uro ✓"), masked),
                frame(0x88, closePayload(1000, utf8("bye")), masked));
    }

    private static final List<String> CONVERSATION_EVENTS = List.of(
            "ping 70696e67",
            "text Hello",
            "binary " + hex(pattern(300)),
            "pong ",
            "text €uro ✓",
            "close 1000 bye");

    private static List<String> readConversation(InputStream in, boolean isClient) throws Exception {
        RecordingCallback recorder = new RecordingCallback();
        return recorder.readToClose(new FrameReader(in, isClient, NO_LIMIT, recorder));
    }

    @ParameterizedTest(name = "isClient={0}")
    @ValueSource(booleans = {false, true})
    void readsTheSameWhenSplitInTwoAtEveryIndex(boolean isClient) throws Exception {
        byte[] bytes = conversation(!isClient);
        for (int split = 0; split <= bytes.length; split++) {
            PieceInputStream in = PieceInputStream.splitAt(bytes, split);
            assertEquals(CONVERSATION_EVENTS, readConversation(in, isClient), "split at " + split);
            assertEquals(bytes.length, in.position(), "split at " + split);
        }
    }

    @ParameterizedTest(name = "isClient={0}")
    @ValueSource(booleans = {false, true})
    void readsTheSameOneBytePerRead(boolean isClient) throws Exception {
        byte[] bytes = conversation(!isClient);
        PieceInputStream in = PieceInputStream.oneBytePerRead(bytes);
        assertEquals(CONVERSATION_EVENTS, readConversation(in, isClient));
        assertEquals(bytes.length, in.position());
    }

    @Test
    void stopsReadingRightAfterTheCloseFrame() throws Exception {
        byte[] close = frame(0x88, closePayload(1000, new byte[0]), true);
        PieceInputStream in = PieceInputStream.failingPast(concat(close, frame(0x81, utf8("late"), true)), close.length);
        assertNull(reader(in, SERVER, NO_LIMIT).readMessage());
        assertEquals(List.of("close 1000 "), callback.events());
    }
}
