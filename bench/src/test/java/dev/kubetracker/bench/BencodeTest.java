package dev.kubetracker.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BencodeTest {
    private static byte[] fullScrape(int torrents) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("d5:filesd".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < torrents; i++) {
            out.writeBytes("20:".getBytes(StandardCharsets.US_ASCII));
            byte[] hash = new byte[20];
            hash[0] = (byte) i;
            hash[19] = 'e'; // hash bytes that look like bencode must not confuse the parser
            out.writeBytes(hash);
            out.writeBytes("d8:completei3e10:downloadedi12e10:incompletei0ee".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("ee".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    @Test
    void aCompleteFullScrapeCountsItsTorrents() {
        byte[] b = fullScrape(100);
        Bencode.ScrapeCheck c = Bencode.checkFullScrape(b, b.length);
        assertTrue(c.valid(), c.problem());
        assertEquals(100, c.torrents());
        byte[] empty = "d5:filesdee".getBytes(StandardCharsets.US_ASCII);
        assertEquals(new Bencode.ScrapeCheck(true, 0, ""), Bencode.checkFullScrape(empty, empty.length));
        byte[] extraKeys = "d5:filesde5:flagsd20:min_request_intervali900eee".getBytes(StandardCharsets.US_ASCII);
        assertTrue(Bencode.checkFullScrape(extraKeys, extraKeys.length).valid());
    }

    @Test
    void truncationAnywhereIsInvalid() {
        byte[] b = fullScrape(5);
        for (int cut = 0; cut < b.length; cut++) {
            Bencode.ScrapeCheck c = Bencode.checkFullScrape(b, cut);
            assertFalse(c.valid(), "cut at " + cut);
        }
    }

    @Test
    void malformedScrapesAreInvalid() {
        for (String bad : new String[] {"d5:filesd3:abcdeee", "d5:filesdee!", "de", "d5:filesd20:",
                "d5:filesdi1eee", "d5:filesd20:aaaaaaaaaaaaaaaaaaaai1eee", "d5:filesd20:aaaaaaaaaaaaaaaaaaaadi1eieee"}) {
            byte[] b = bad.getBytes(StandardCharsets.ISO_8859_1);
            assertFalse(Bencode.checkFullScrape(b, b.length).valid(), bad);
        }
    }
}
