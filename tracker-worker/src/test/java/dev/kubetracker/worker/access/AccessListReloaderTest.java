package dev.kubetracker.worker.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.swarm.Announce;
import dev.kubetracker.worker.swarm.AnnounceReply;
import dev.kubetracker.worker.swarm.SwarmStore;
import dev.kubetracker.worker.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessListReloaderTest {
    static final String A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    static final String B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    static final long AH = 0xaaaaaaaaaaaaaaaaL;
    static final long BH = 0xbbbbbbbbbbbbbbbbL;

    /** Watch tests must see changes through events alone: the fingerprint poll is pushed out of reach. */
    static final long NO_POLL = 3_600_000;

    @TempDir
    Path dir;

    private final SwarmStore store = new SwarmStore(16, 45, () -> 100);

    private void announce(long high) {
        Announce a = new Announce();
        a.clear();
        a.infoHash.set(high, high, (int) high);
        a.address4 = 0x01020304;
        a.port = 1;
        a.left = 0;
        store.announce(a, new AnnounceReply(10));
    }

    private static boolean allows(AccessList list, long high) {
        return list.allows(high, high, (int) high);
    }

    @Test
    void aBlacklistReloadDropsTheNewlyListedSwarmAndKeepsTheOthers() throws IOException {
        Path file = Files.writeString(dir.resolve("list"), A + "\n");
        AccessList list = new AccessList(AccessList.Mode.BLACKLIST);
        try (AccessListReloader reloader = new AccessListReloader(list, file, store, false)) {
            reloader.start();
            assertFalse(allows(list, AH));
            assertTrue(allows(list, BH));
            announce(BH);
            announce(0x1111111111111111L);
            Files.writeString(file, A + "\n" + B + "\n");
            assertTrue(reloader.reload("test"));
            assertFalse(allows(list, BH));
            assertEquals(1, store.torrents(), "B's swarm dropped, the other kept");
            assertEquals(1, store.seeders());
        }
    }

    @Test
    void anUnreadableFileKeepsThePreviousList() throws IOException {
        Path file = Files.writeString(dir.resolve("list"), A + "\n");
        AccessList list = new AccessList(AccessList.Mode.WHITELIST);
        try (AccessListReloader reloader = new AccessListReloader(list, file, store, false)) {
            reloader.start();
            assertTrue(allows(list, AH));
            Files.delete(file);
            assertFalse(reloader.reload("test"));
            assertTrue(allows(list, AH), "previous list in force");
            assertEquals(1, reloader.reloadFailures());
        }
    }

    @Test
    void aFileRewrittenInPlaceIsReadOnlyOnceItHoldsStill() throws Exception {
        Path file = Files.writeString(dir.resolve("list"), A + "\n" + B + "\n");
        AccessList list = new AccessList(AccessList.Mode.WHITELIST);
        announce(AH);
        announce(BH);
        try (AccessListReloader reloader = new AccessListReloader(list, file, store, true, NO_POLL)) {
            reloader.start();
            long loads = reloader.reloads();
            // Truncate, then append line by line: a burst of change events, the first of them for an empty
            // file, which would drop every swarm, and the next two for files that would drop B's.
            try (var out = Files.newOutputStream(file)) {
                for (String line : new String[] {A, B, "cccccccccccccccccccccccccccccccccccccccc"}) {
                    out.write((line + "\n").getBytes());
                    out.flush();
                }
            }
            Await.until("a reload after the writes", Duration.ofSeconds(10), () -> reloader.reloads() > loads);
            assertEquals(3, list.size(), "the complete file loaded, not a part"); // swapped in before counted
            assertEquals(2, store.torrents(), "no allowed swarm was dropped on the way");
        }
    }

    @Test
    void aWhitelistThatCannotBeReadAtStartRefusesEverything() {
        AccessList list = new AccessList(AccessList.Mode.WHITELIST);
        try (AccessListReloader reloader = new AccessListReloader(list, dir.resolve("missing"), store, false)) {
            reloader.start();
            assertFalse(allows(list, AH));
            assertEquals(1, reloader.reloadFailures());
        }
    }

    @Test
    void seesARewriteOfTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("list"), A + "\n");
        AccessList list = new AccessList(AccessList.Mode.BLACKLIST);
        try (AccessListReloader reloader = new AccessListReloader(list, file, store, true, NO_POLL)) {
            reloader.start();
            Files.writeString(file, B + "\n");
            Await.until("rewrite seen", Duration.ofSeconds(10), () -> !allows(list, BH) && allows(list, AH));
        }
    }

    @Test
    void seesAnEditorReplacingTheFileByRename() throws Exception {
        Path file = Files.writeString(dir.resolve("list"), A + "\n");
        AccessList list = new AccessList(AccessList.Mode.BLACKLIST);
        try (AccessListReloader reloader = new AccessListReloader(list, file, store, true, NO_POLL)) {
            reloader.start();
            Path temp = Files.writeString(dir.resolve(".list.swp"), B + "\n");
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Await.until("rename seen", Duration.ofSeconds(10), () -> !allows(list, BH) && allows(list, AH));
        }
    }

    @Test
    void seesAConfigMapVolumeSwappingItsDataSymlink() throws Exception {
        ConfigMapVolume volume = new ConfigMapVolume(dir, "blacklist");
        volume.publish(A + "\n");
        AccessList list = new AccessList(AccessList.Mode.BLACKLIST);
        try (AccessListReloader reloader = new AccessListReloader(list, volume.file(), store, true, NO_POLL)) {
            reloader.start();
            assertFalse(allows(list, AH));
            volume.publish(B + "\n");
            Await.until("symlink swap seen", Duration.ofSeconds(10), () -> !allows(list, BH) && allows(list, AH));
            volume.publish(A + "\n" + B + "\n");
            Await.until("second swap seen", Duration.ofSeconds(10), () -> !allows(list, AH) && !allows(list, BH));
        }
    }
}
