package dev.kubetracker.worker.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A list split over several files, directories and gzipped files loads as one set; bad gzip keeps the old one. */
class AccessListMergeTest {
    static final String A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    static final String B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    static final String C = "cccccccccccccccccccccccccccccccccccccccc";

    @TempDir
    Path dir;

    static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    private static boolean listed(AccessList list, char digit) {
        long h = Long.parseUnsignedLong(String.valueOf(digit).repeat(16), 16);
        return !list.allows(h, h, (int) h);
    }

    private static AccessListReloader reloader(AccessList list, List<Path> files, long maxBytes) {
        return new AccessListReloader(list, files, null, false, maxBytes);
    }

    @Test
    void aDirectoryOfPlainAndGzippedFilesInSubdirectoriesLoadsAsOneSet() throws IOException {
        Files.writeString(dir.resolve("first"), A + "\n");
        Path second = Files.createDirectory(dir.resolve("second-configmap"));
        Files.write(second.resolve("list.gz"), gzip(B + "\n" + A + "\n"));
        Files.write(second.resolve("gzipped-without-suffix"), gzip(C + "\n"));
        Files.writeString(dir.resolve(".hidden"), "not a list\n");
        AccessList list = new AccessList(AccessList.Mode.BLACKLIST);
        try (AccessListReloader reloader = reloader(list, List.of(dir), 1 << 20)) {
            assertTrue(reloader.reload("test"));
            assertEquals(3, list.size(), "A, B and C once each");
            assertTrue(listed(list, 'a') && listed(list, 'b') && listed(list, 'c'));
            assertEquals(0, reloader.malformedLines(), "the hidden file is not read");
        }
    }

    @Test
    void aCommaSeparatedListOfFilesInTwoDirectoriesLoadsAsOneSet() throws IOException {
        Path one = Files.writeString(Files.createDirectory(dir.resolve("one")).resolve("list"), A + "\n");
        Path two = Files.write(Files.createDirectory(dir.resolve("two")).resolve("list.gz"), gzip(B + "\n"));
        AccessList list = new AccessList(AccessList.Mode.WHITELIST);
        try (AccessListReloader reloader = reloader(list, List.of(one, two), 1 << 20)) {
            assertTrue(reloader.reload("test"));
            assertEquals(2, list.size());
            assertFalse(listed(list, 'a'));
            assertFalse(listed(list, 'b'));
            assertTrue(listed(list, 'c'), "a whitelist refuses C");
        }
    }

    @Test
    void aCorruptOrTruncatedGzipKeepsThePreviousList() throws IOException {
        Path plain = Files.writeString(dir.resolve("plain"), A + "\n");
        Path gzipped = Files.write(dir.resolve("list.gz"), gzip(B + "\n"));
        AccessList list = new AccessList(AccessList.Mode.BLACKLIST);
        try (AccessListReloader reloader = reloader(list, List.of(dir), 1 << 20)) {
            assertTrue(reloader.reload("test"));
            byte[] whole = gzip(B + "\n" + C + "\n");
            Files.write(gzipped, Arrays.copyOf(whole, whole.length - 6));
            Files.writeString(plain, A + "\n" + C + "\n");
            assertFalse(reloader.reload("truncated"));
            byte[] corrupt = whole.clone();
            corrupt[12] ^= (byte) 0xFF;
            Files.write(gzipped, corrupt);
            assertFalse(reloader.reload("corrupt"));
            assertEquals(2, reloader.reloadFailures());
            assertEquals(2, list.size(), "the previous list, A and B, stays");
            assertFalse(listed(list, 'c'), "nothing of the half-read version got in");
        }
    }

    @Test
    void aGzipBombPastTheLimitIsRefusedAndThePreviousListStays() throws IOException {
        Path file = Files.writeString(dir.resolve("list"), A + "\n");
        AccessList list = new AccessList(AccessList.Mode.BLACKLIST);
        try (AccessListReloader reloader = reloader(list, List.of(file), 64 * 1024)) {
            assertTrue(reloader.reload("test"));
            byte[] bomb = gzip((B + "\n").repeat(10_000)); // 410 kB of text in about 1 kB
            assertTrue(bomb.length < 64 * 1024);
            Files.write(file, bomb);
            assertFalse(reloader.reload("bomb"));
            assertEquals(1, list.size());
            assertFalse(listed(list, 'b'));
        }
    }

    @Test
    void aDirectoryWithoutAnyFileIsAFailureNotAnEmptyList() throws IOException {
        Path file = Files.writeString(dir.resolve("list"), A + "\n");
        AccessList list = new AccessList(AccessList.Mode.BLACKLIST);
        try (AccessListReloader reloader = reloader(list, List.of(dir), 1 << 20)) {
            assertTrue(reloader.reload("test"));
            Files.delete(file);
            assertFalse(reloader.reload("emptied"));
            assertTrue(listed(list, 'a'));
        }
    }

    @Test
    void theDigestDependsOnTheSetNotOnHowItIsSplitOrOrdered() throws IOException {
        Files.writeString(dir.resolve("x"), B + "\n" + A + "\n");
        Path single = Files.writeString(Files.createDirectory(dir.resolve("single")).resolve("list"), A + "\n" + B + "\n");
        Path split = Files.createDirectory(dir.resolve("split"));
        Files.write(split.resolve("1.gz"), gzip(B + "\n"));
        Files.writeString(split.resolve("2"), A + "\n" + A.toUpperCase() + "\n");
        AccessListReloader one = reloader(new AccessList(AccessList.Mode.BLACKLIST), List.of(single), 1 << 20);
        AccessListReloader two = reloader(new AccessList(AccessList.Mode.BLACKLIST), List.of(split), 1 << 20);
        AccessListReloader other = reloader(new AccessList(AccessList.Mode.BLACKLIST), List.of(dir.resolve("x"),
                Files.writeString(dir.resolve("y"), C + "\n")), 1 << 20);
        assertTrue(one.reload("test") && two.reload("test") && other.reload("test"));
        assertEquals(one.digest(), two.digest());
        assertNotEquals(one.digest(), other.digest());
        assertNotEquals(InfoHashSet.EMPTY.digest(), one.digest());
        one.close();
        two.close();
        other.close();
    }
}
