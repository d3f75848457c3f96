package dev.kubetracker.worker.protocol.bencode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BencodeWriterTest {
    private final ByteBuf out = Unpooled.buffer();

    private String written() {
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void writesIntegersOfEverySizeAndSign() {
        BencodeWriter.integer(out, 0);
        BencodeWriter.integer(out, 7);
        BencodeWriter.integer(out, 10);
        BencodeWriter.integer(out, -42);
        BencodeWriter.integer(out, Long.MAX_VALUE);
        BencodeWriter.integer(out, Long.MIN_VALUE);
        assertEquals("i0ei7ei10ei-42ei9223372036854775807ei-9223372036854775808e", written());
    }

    @Test
    void prefixesStringsWithTheirByteLength() {
        BencodeWriter.string(out, "peers");
        BencodeWriter.string(out, "");
        BencodeWriter.utf8(out, "größe");
        assertEquals("5:peers0:7:grÃ¶Ã\u009fe", written());
    }

    @Test
    void writesRawBytes() {
        BencodeWriter.bytes(out, new byte[] {0, (byte) 0xFF, 'a'}, 0, 3);
        assertEquals(5, out.readableBytes());
        assertEquals("3:", out.toString(0, 2, StandardCharsets.US_ASCII));
        assertEquals((byte) 0xFF, out.getByte(3));
    }

    @Test
    void writesAFailureReasonDictionary() {
        BencodeWriter.failure(out, "info_hash must be 20 bytes");
        assertEquals("d14:failure reason26:info_hash must be 20 bytese", written());
    }

    @Test
    void nestsDictionariesAndLists() {
        BencodeWriter.dictStart(out);
        BencodeWriter.keyInt(out, "a", 1);
        BencodeWriter.string(out, "b");
        BencodeWriter.listStart(out);
        BencodeWriter.integer(out, 2);
        BencodeWriter.end(out);
        BencodeWriter.end(out);
        assertEquals("d1:ai1e1:bli2eee", written());
    }
}
