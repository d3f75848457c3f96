package dev.kubetracker.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpCodecTest {
    private static String announce(boolean keepAlive, int peer, int port, boolean seeder, int numwant) {
        byte[] hash = new byte[20];
        for (int i = 0; i < 20; i++) {
            hash[i] = (byte) (i * 13);
        }
        byte[] out = new byte[HttpCodec.MAX_REQUEST];
        int n = HttpCodec.announce(out, hash, 0, peer, port, seeder, numwant,
                "127.0.0.1:6969".getBytes(StandardCharsets.US_ASCII), keepAlive);
        return new String(out, 0, n, StandardCharsets.US_ASCII);
    }

    @Test
    void announceRequestIsAPercentEncodedGet() {
        String r = announce(true, 42, 6881, false, 30);
        assertEquals("GET /announce?info_hash=%00%0D%1A%27%34%41%4E%5B%68%75%82%8F%9C%A9%B6%C3%D0%DD%EA%F7"
                + "&peer_id=-KB0001-000000000042&port=6881&uploaded=0&downloaded=0&compact=1&left=1&numwant=30"
                + " HTTP/1.1\r\nHost: 127.0.0.1:6969\r\n\r\n", r);
    }

    @Test
    void withoutKeepAliveTheRequestAsksToClose() {
        String r = announce(false, 7, 65535, true, 0);
        assertTrue(r.contains("&port=65535&"));
        assertTrue(r.contains("&left=0&numwant=0 HTTP/1.1"));
        assertTrue(r.endsWith("\r\nConnection: close\r\n\r\n"));
    }

    @Test
    void theLongestRequestFits() {
        String r = announce(false, Integer.MAX_VALUE, 65535, false, 200);
        assertTrue(r.length() < HttpCodec.MAX_REQUEST);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void replyHeadIsParsedOnceComplete() {
        byte[] reply = bytes("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nCONTENT-LENGTH:  12\r\n\r\nd5:peers0:e");
        assertNull(HttpCodec.parseHead(reply, 30), "the head is not complete yet");
        HttpCodec.Reply head = HttpCodec.parseHead(reply, reply.length);
        assertEquals(200, head.status());
        assertEquals(12, head.contentLength());
        assertEquals(reply.length - 11, head.headLength());
        assertFalse(head.completeAt(reply.length), "one body byte is missing");
        assertTrue(head.completeAt(reply.length + 1));

        HttpCodec.Reply noLength = HttpCodec.parseHead(bytes("HTTP/1.0 200 OK\r\n\r\nd"), 20);
        assertEquals(-1, noLength.contentLength());
        assertFalse(noLength.completeAt(1000), "without a length only the close ends the reply");
    }

    @Test
    void announceRepliesAreJudged() {
        String body = "d8:completei1e10:incompletei0e8:intervali1800e5:peers0:e";
        byte[] ok = bytes("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
        assertEquals(UdpCodec.Verdict.OK, HttpCodec.checkAnnounce(ok, ok.length, HttpCodec.parseHead(ok, ok.length)));
        byte[] refused = bytes("HTTP/1.1 200 OK\r\n\r\nd14:failure reason11:not allowede");
        assertEquals(UdpCodec.Verdict.ERROR_REPLY,
                HttpCodec.checkAnnounce(refused, refused.length, HttpCodec.parseHead(refused, refused.length)));
        byte[] notFound = bytes("HTTP/1.1 404 Not Found\r\n\r\nd5:peers0:e");
        assertEquals(UdpCodec.Verdict.INVALID,
                HttpCodec.checkAnnounce(notFound, notFound.length, HttpCodec.parseHead(notFound, notFound.length)));
        byte[] truncated = bytes("HTTP/1.1 200 OK\r\n\r\nd8:intervali1800e5:peers6:abc");
        assertEquals(UdpCodec.Verdict.INVALID,
                HttpCodec.checkAnnounce(truncated, truncated.length, HttpCodec.parseHead(truncated, truncated.length)));
    }
}
