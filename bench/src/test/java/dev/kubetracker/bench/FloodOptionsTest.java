package dev.kubetracker.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

class FloodOptionsTest {
    @Test
    void workersPairPidsWithMetricsInOrder() throws Exception {
        FloodOptions o = FloodOptions.from(new Args("--pid", "11,12", "--metrics",
                "http://127.0.0.1:9001/q/metrics,http://127.0.0.1:9002/q/metrics", "--sources", "64"));
        assertEquals(2, o.workers().size());
        assertEquals(12, o.workers().get(1).pid());
        assertEquals(URI.create("http://127.0.0.1:9002/q/metrics"), o.workers().get(1).metrics());
        assertEquals(1L << 30, o.limitBytes());
    }

    @Test
    void theFloodSendsNewTorrentsAndTheWellBehavedClientsUseOtherAddresses() throws Exception {
        FloodOptions o = FloodOptions.from(new Args("--sources", "64", "--good-clients", "4"));
        assertTrue(o.flood().newTorrents());
        assertEquals(64, o.flood().model().sources());
        assertEquals(0, o.flood().firstSource());
        assertEquals(64, o.goodLoad().firstSource());
        assertTrue(o.goodFill().fill());
        assertTrue(o.goodLoad().reannounce(), "the peers of the fill, on the torrents of the fill");
        assertEquals(200, o.goodLoad().rate());
    }

    @Test
    void badListsAndRemoteAddressesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> FloodOptions.from(new Args("--pid", "1,x")));
        assertThrows(IllegalArgumentException.class, () -> FloodOptions.from(new Args("--pid", "1,2",
                "--metrics", "http://127.0.0.1:9001/q/metrics")));
        assertThrows(IllegalArgumentException.class, () -> FloodOptions.from(new Args("--metrics",
                "http://192.0.2.1:9000/q/metrics")));
        assertThrows(IllegalArgumentException.class, () -> FloodOptions.from(new Args("--host", "192.0.2.1")));
        assertThrows(IllegalArgumentException.class, () -> FloodOptions.from(new Args("--good-rate", "0")));
    }
}
