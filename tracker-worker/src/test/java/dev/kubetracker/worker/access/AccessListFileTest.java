package dev.kubetracker.worker.access;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AccessListFileTest {
    private static AccessListFile.Parsed parse(String text) {
        return AccessListFile.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsHashesInEitherCaseWithCommentsBlankLinesAndTrailingText() {
        AccessListFile.Parsed p = parse("""
                # the broadcaster's shows
                0123456789abcdef0123456789ABCDEF01234567
                   FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF  season 1, episode 2
                \t
                aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\tsome.iso
                aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
                """);
        assertEquals(0, p.malformedLines());
        assertEquals(3, p.hashes().size(), "a repeated hash counts once");
        assertTrue(p.hashes().contains(0x0123456789abcdefL, 0x0123456789abcdefL, 0x01234567));
        assertTrue(p.hashes().contains(-1L, -1L, -1));
        assertTrue(p.hashes().contains(0xaaaaaaaaaaaaaaaaL, 0xaaaaaaaaaaaaaaaaL, 0xaaaaaaaa));
        assertFalse(p.hashes().contains(0, 0, 0));
    }

    @Test
    void countsMalformedLinesAndKeepsTheRest() {
        AccessListFile.Parsed p = parse("""
                0123456789abcdef0123456789abcdef0123456
                0123456789abcdef0123456789abcdef01234567
                0123456789abcdef0123456789abcdef012345678
                zz23456789abcdef0123456789abcdef01234567
                magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567
                1111111111111111111111111111111111111111\r
                """);
        assertEquals(4, p.malformedLines());
        assertArrayEquals(new int[] {1, 3, 4, 5}, p.firstMalformedLineNumbers());
        assertEquals(2, p.hashes().size(), "CRLF line endings are fine");
    }

    @Test
    void keepsOnlyTheFirstFewMalformedLineNumbers() {
        AccessListFile.Parsed p = parse("bad\n".repeat(1000));
        assertEquals(1000, p.malformedLines());
        assertEquals(AccessListFile.MALFORMED_LINES_KEPT, p.firstMalformedLineNumbers().length);
    }

    @Test
    void emptyFilesAndAByteOrderMarkAreFine() {
        assertEquals(0, parse("").hashes().size());
        byte[] bom = "\uFEFF0123456789abcdef0123456789abcdef01234567\n".getBytes(StandardCharsets.UTF_8);
        AccessListFile.Parsed p = AccessListFile.parse(bom);
        assertEquals(0, p.malformedLines());
        assertEquals(1, p.hashes().size());
    }

    @Test
    void loadsAMillionEntriesAndFindsEachOfThem() {
        int n = 1_000_000;
        Random random = new Random(11);
        long[] highs = new long[n];
        StringBuilder text = new StringBuilder(n * 41);
        for (int i = 0; i < n; i++) {
            highs[i] = random.nextLong();
            text.append(String.format("%016x%016x%08x\n", highs[i], (long) i, i));
        }
        AccessListFile.Parsed p = parse(text.toString());
        assertEquals(n, p.hashes().size());
        for (int i = 0; i < n; i += 997) {
            assertTrue(p.hashes().contains(highs[i], i, i));
            assertFalse(p.hashes().contains(highs[i], i + 1, i));
        }
    }
}
