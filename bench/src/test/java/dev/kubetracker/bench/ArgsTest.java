package dev.kubetracker.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ArgsTest {
    @Test
    void valuesFlagsAndDefaults() {
        Args a = new Args("--port", "7070", "--connect-each", "--duration=1.5s", "--peers", "2m", "--torrents", "1_000k");
        assertEquals(7070, a.integer("port", 6969));
        assertTrue(a.flag("connect-each"));
        assertFalse(a.flag("no-keepalive"));
        assertEquals(Duration.ofMillis(1500), a.duration("duration", Duration.ZERO));
        assertEquals(2_000_000, a.integer("peers", 0));
        assertEquals(1_000_000, a.integer("torrents", 0));
        assertEquals("127.0.0.1", a.string("host", "127.0.0.1"));
        assertEquals(0.75, a.decimal("seeders", 0.75));
        a.checkAllUsed();
    }

    @Test
    void durations() {
        Args a = new Args("--a", "500ms", "--b", "2m", "--c", "3");
        assertEquals(Duration.ofMillis(500), a.duration("a", null));
        assertEquals(Duration.ofMinutes(2), a.duration("b", null));
        assertEquals(Duration.ofSeconds(3), a.duration("c", null));
    }

    @Test
    void mistakesAreReported() {
        assertThrows(IllegalArgumentException.class, () -> new Args("port", "1"));
        assertThrows(IllegalArgumentException.class, () -> new Args("--port", "x").integer("port", 1));
        assertThrows(IllegalArgumentException.class, () -> new Args("--port", "99999999999").integer("port", 1));
        assertThrows(IllegalArgumentException.class, () -> new Args("--d", "soon").duration("d", null));
        assertThrows(IllegalArgumentException.class, () -> new Args("--flag", "maybe").flag("flag"));
        Args typo = new Args("--prot", "7070");
        typo.integer("port", 6969);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, typo::checkAllUsed);
        assertTrue(e.getMessage().contains("--prot"));
    }

    @Test
    void loadOptionsKeepToLoopbackAndBounds() throws Exception {
        LoadOptions udp = LoadOptions.from("udp", new Args("--port", "7070", "--peers", "1000", "--torrents", "100"));
        assertEquals(256, udp.window());
        assertEquals(101, udp.scrapeEvery());
        assertTrue(udp.isScrape(100));
        assertFalse(udp.isScrape(99));
        assertEquals("127.0.0.1:7070", udp.targetText());
        assertEquals(64, udp.model().sources());
        LoadOptions http = LoadOptions.from("http", new Args("--no-keepalive"));
        assertFalse(http.keepAlive());
        assertEquals(0, http.scrapeEvery());
        assertFalse(http.isScrape(100));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.from("udp", new Args("--host", "192.0.2.1")));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.from("udp", new Args("--duration", "0")));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.from("udp", new Args("--duration", "2h")));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.from("udp", new Args("--window", "70000")));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.from("udp", new Args("--count", "0")));
    }

    @Test
    void aFillAsModelledPlacesEachPeerInTheTorrentTheWorkloadsAnnounceItIn() throws Exception {
        Args base = new Args("--fill", "--peers", "1000", "--torrents", "100");
        LoadOptions even = LoadOptions.from("udp", base);
        LoadOptions modelled = LoadOptions.from("udp", new Args("--fill", "--as-modelled", "--peers", "1000",
                "--torrents", "100"));
        int moved = 0;
        for (int peer = 0; peer < 1000; peer++) {
            assertEquals(peer % 100, even.fillTorrentOf(peer));
            assertEquals(modelled.model().torrentOf(peer), modelled.fillTorrentOf(peer));
            moved += even.fillTorrentOf(peer) != modelled.fillTorrentOf(peer) ? 1 : 0;
        }
        assertTrue(moved > 500, "the popularity model places most peers elsewhere than round-robin: " + moved);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoadOptions.from("udp", new Args("--as-modelled")));
        assertTrue(e.getMessage().contains("--fill"));
    }
}
