package dev.kubetracker.worker.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.access.AccessList;
import dev.kubetracker.worker.deniability.RandomPeers;
import dev.kubetracker.worker.logic.ClientLimits;
import dev.kubetracker.worker.protocol.udp.ConnectionIds;
import dev.kubetracker.worker.protocol.udp.UdpTransport;
import dev.kubetracker.worker.swarm.AnnouncePolicy;
import dev.kubetracker.worker.swarm.MinuteClock;
import dev.kubetracker.worker.swarm.SwarmStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WarmUpTest {
    private final List<SwarmStore> storesBuilt = new ArrayList<>();

    private WarmUp.Setup setup(int requests, AccessList.Mode mode, boolean udp, boolean http) {
        return new WarmUp.Setup(requests, Duration.ofSeconds(60), () -> {
            SwarmStore store = new SwarmStore(64, 45, MinuteClock.SYSTEM);
            storesBuilt.add(store);
            return store;
        }, () -> new ClientLimits(2000, 1000, 1024, System::nanoTime),
                () -> new ConnectionIds(ConnectionIds.randomKey(), 10, MinuteClock.SYSTEM),
                new AnnouncePolicy(1800, 900, 50, 200), new RandomPeers(0, 0, 1024, 65535), mode, 64, 4096, udp, UdpTransport.BATCHED, http);
    }

    @Test
    void zeroRequestsRunsNothingAndBuildsNoStore() throws Exception {
        assertNull(new WarmUp(setup(0, AccessList.Mode.OFF, true, true)).run());
        assertTrue(storesBuilt.isEmpty());
    }

    @Test
    void runsEveryKindOfRequestOfBothProtocolsWithoutErrorsOnAStoreOfItsOwn() throws Exception {
        WarmUp.Result r = new WarmUp(setup(3000, AccessList.Mode.OFF, true, true)).run();
        assertTrue(r.requests() == 3000 || r.requests() == 3001, "one more at most (a connect and its announce): "
                + r.requests());
        assertFalse(r.stoppedByTime());
        assertEquals(0, r.errors());
        assertTrue(r.udpConnects() > 0 && r.udpAnnounces() > 0 && r.udpScrapes() > 0, r.toString());
        assertTrue(r.httpAnnounces() > 0 && r.httpScrapes() > 0, r.toString());
        assertEquals(1, storesBuilt.size());
        assertTrue(r.torrents() > 100, "many torrents: " + r.torrents());
        assertEquals(r.torrents(), storesBuilt.get(0).torrents(), "all of it went to the store it built");
    }

    @Test
    void itsLoopbackPortsAndTheirThreadsAreGoneWhenItReturns() throws Exception {
        WarmUp.Result r = new WarmUp(setup(2000, AccessList.Mode.OFF, true, true)).run();
        assertTrue(r.httpAnnounces() > 0 && r.udpAnnounces() > 0, r.toString());
        List<String> left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("tracker-warm-up")).toList();
        assertEquals(List.of(), left);
    }

    @Test
    void aWhitelistOfTheSameModeAdmitsItsTorrents() throws Exception {
        WarmUp.Result r = new WarmUp(setup(1000, AccessList.Mode.WHITELIST, true, true)).run();
        assertEquals(0, r.errors());
        assertTrue(r.torrents() > 0);
    }

    @Test
    void onlyTheEnabledProtocolIsDriven() throws Exception {
        WarmUp.Result httpOnly = new WarmUp(setup(500, AccessList.Mode.OFF, false, true)).run();
        assertEquals(0, httpOnly.udpAnnounces() + httpOnly.udpConnects() + httpOnly.udpScrapes());
        assertTrue(httpOnly.httpAnnounces() > 0);
        WarmUp.Result udpOnly = new WarmUp(setup(500, AccessList.Mode.OFF, true, false)).run();
        assertEquals(0, udpOnly.httpAnnounces() + udpOnly.httpScrapes());
        assertTrue(udpOnly.udpAnnounces() > 0);
    }

    @Test
    void theTimeCapStopsIt() throws Exception {
        WarmUp.Setup s = setup(1_000_000, AccessList.Mode.OFF, true, true);
        WarmUp.Result r = new WarmUp(new WarmUp.Setup(s.requests(), Duration.ZERO, s.stores(), s.limits(),
                s.connectionIds(), s.policy(), s.randomPeers(), s.accessListMode(), 64, 4096, true, UdpTransport.BATCHED, true)).run();
        assertTrue(r.stoppedByTime());
        assertTrue(r.requests() < 1_000_000);
    }
}
