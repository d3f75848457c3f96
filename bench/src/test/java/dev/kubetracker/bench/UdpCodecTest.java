package dev.kubetracker.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class UdpCodecTest {
    private final ByteBuffer out = ByteBuffer.allocate(2048);

    @Test
    void connectIsTheProtocolIdActionAndTransaction() {
        UdpCodec.connect(out, 0x01020304);
        assertEquals(16, out.remaining());
        assertEquals(0x41727101980L, out.getLong(0));
        assertEquals(0, out.getInt(8));
        assertEquals(0x01020304, out.getInt(12));
    }

    @Test
    void announceHasBep15Layout() {
        byte[] hash = new byte[40];
        for (int i = 0; i < 40; i++) {
            hash[i] = (byte) i;
        }
        UdpCodec.announce(out, 0x1122334455667788L, 77, hash, 20, 123_456, true, 30, 6881);
        assertEquals(98, out.remaining());
        assertEquals(0x1122334455667788L, out.getLong(0));
        assertEquals(1, out.getInt(8));
        assertEquals(77, out.getInt(12));
        for (int i = 0; i < 20; i++) {
            assertEquals(20 + i, out.get(16 + i), "info hash byte " + i);
        }
        assertEquals('-', out.get(36));
        assertEquals(123_456L, out.getLong(48), "peer id ends with the peer's index");
        assertEquals(0, out.getLong(64), "a seeder has nothing left");
        assertEquals(0, out.getInt(80), "event none");
        assertEquals(0, out.getInt(84), "the sender's address");
        assertEquals(30, out.getInt(92));
        assertEquals(6881, out.getShort(96) & 0xFFFF);

        UdpCodec.announce(out, 1, 2, hash, 0, 5, false, 30, 65535);
        assertEquals(1 << 20, out.getLong(64), "a leecher has bytes left");
        assertEquals(65535, out.getShort(96) & 0xFFFF);
    }

    @Test
    void scrapeCarriesTheHashesBackToBack() {
        byte[] hashes = new byte[60];
        hashes[59] = 9;
        UdpCodec.scrape(out, 5, 6, hashes, 3);
        assertEquals(16 + 60, out.remaining());
        assertEquals(2, out.getInt(8));
        assertEquals(9, out.get(16 + 59));
    }

    @Test
    void repliesAreValidatedByActionAndSize() {
        ByteBuffer reply = ByteBuffer.allocate(200);
        reply.putInt(1).putInt(42).putInt(1800).putInt(3).putInt(7);
        for (int i = 0; i < 5; i++) {
            reply.putInt(0x7F000001).putShort((short) 6881);
        }
        reply.flip();
        assertEquals(42, UdpCodec.transactionId(reply));
        assertEquals(UdpCodec.Verdict.OK, UdpCodec.checkAnnounce(reply, 30));
        assertEquals(5, UdpCodec.peerCount(reply));
        assertEquals(UdpCodec.Verdict.INVALID, UdpCodec.checkAnnounce(reply, 4), "more peers than asked for");
        reply.limit(reply.limit() - 1);
        assertEquals(UdpCodec.Verdict.INVALID, UdpCodec.checkAnnounce(reply, 30), "a partial peer");
        reply.limit(19);
        assertEquals(UdpCodec.Verdict.INVALID, UdpCodec.checkAnnounce(reply, 30), "a short header");

        ByteBuffer error = ByteBuffer.allocate(64);
        error.putInt(3).putInt(42).put("invalid connection id".getBytes()).flip();
        assertEquals(UdpCodec.Verdict.ERROR_REPLY, UdpCodec.checkAnnounce(error, 30));
        assertEquals(UdpCodec.Verdict.ERROR_REPLY, UdpCodec.checkScrape(error, 1));
        assertEquals(UdpCodec.Verdict.ERROR_REPLY, UdpCodec.checkConnect(error));

        ByteBuffer connect = ByteBuffer.allocate(16).putInt(0).putInt(9).putLong(0xABCDL).flip();
        assertEquals(UdpCodec.Verdict.OK, UdpCodec.checkConnect(connect));
        assertEquals(0xABCDL, UdpCodec.connectionId(connect));
        assertEquals(UdpCodec.Verdict.INVALID, UdpCodec.checkConnect(connect.limit(12)));

        ByteBuffer scrape = ByteBuffer.allocate(8 + 24).putInt(2).putInt(1).putInt(1).putInt(2).putInt(3)
                .putInt(4).putInt(5).putInt(6).flip();
        assertEquals(UdpCodec.Verdict.OK, UdpCodec.checkScrape(scrape, 2));
        assertEquals(UdpCodec.Verdict.INVALID, UdpCodec.checkScrape(scrape, 3));
    }

    @Test
    void aReplyTooShortForATransactionIdHasNone() {
        assertEquals(0, UdpCodec.transactionId(ByteBuffer.allocate(7)));
    }
}
