package dev.kubetracker.worker.logic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientLimitsTest {
    private long nanos = 5_000_000_000L;
    private static final long ALICE = ClientLimits.keyOf(4, 0x0A000001, 0);
    private static final long BOB = ClientLimits.keyOf(4, 0x0A000002, 0);

    private ClientLimits limits(int perSecond, int perMinute, int clients) {
        return new ClientLimits(perSecond, perMinute, clients, () -> nanos);
    }

    @Test
    void aClientGetsItsRequestsPerSecondAfterABurstOfOneSecondsWorth() {
        ClientLimits limits = limits(10, 0, 64);
        for (int i = 0; i < 10; i++) {
            assertEquals(ClientLimits.ALLOWED, limits.admit(ALICE), "request " + i + " of the burst");
        }
        assertEquals(ClientLimits.REFUSED, limits.admit(ALICE));
        assertEquals(ClientLimits.ALLOWED, limits.admit(BOB), "another client is served meanwhile");
        nanos += 100_000_000; // a tenth of a second: one more request
        assertEquals(ClientLimits.ALLOWED, limits.admit(ALICE));
        assertEquals(ClientLimits.REFUSED, limits.admit(ALICE));
        nanos += 1_000_000_000;
        for (int i = 0; i < 10; i++) {
            assertEquals(ClientLimits.ALLOWED, limits.admit(ALICE), "a second later, the whole burst again");
        }
    }

    @Test
    void newTorrentsAreLimitedPerMinuteWhileRequestsGoOn() {
        ClientLimits limits = limits(0, 3, 64);
        for (int i = 0; i < 3; i++) {
            assertEquals(ClientLimits.ALLOWED, limits.admit(ALICE));
            limits.torrentCreated(ALICE);
        }
        assertEquals(ClientLimits.NO_NEW_TORRENT, limits.admit(ALICE), "requests still pass, new torrents not");
        assertEquals(ClientLimits.ALLOWED, limits.admit(BOB));
        nanos += 20_000_000_000L; // a third of a minute: one more torrent
        assertEquals(ClientLimits.ALLOWED, limits.admit(ALICE));
    }

    @Test
    void anIpv6SubscriberIsOneClientAcrossItsSlash64() {
        long a = ClientLimits.keyOf(6, 0, 0x2001_0db8_0001_0002L);
        assertEquals(a, ClientLimits.keyOf(6, 0, 0x2001_0db8_0001_0002L));
        assertNotEquals(a, ClientLimits.keyOf(6, 0, 0x2001_0db8_0001_0003L));
        assertNotEquals(ClientLimits.keyOf(4, 0, 0), ClientLimits.keyOf(6, 0, 0), "IPv4 0.0.0.0 is not ::/64");
        ClientLimits limits = limits(1, 0, 64);
        assertEquals(ClientLimits.ALLOWED, limits.admit(a));
        assertEquals(ClientLimits.REFUSED, limits.admit(a), "the next address of the same /64 shares the limit");
    }

    @Test
    void aTableOfFixedSizeServesAnyNumberOfClientsAndAnEvictedClientStartsAfresh() {
        ClientLimits limits = limits(1, 0, 8);
        assertEquals(ClientLimits.ALLOWED, limits.admit(ALICE));
        assertEquals(ClientLimits.REFUSED, limits.admit(ALICE));
        for (int address = 0; address < 100_000; address++) {
            limits.admit(ClientLimits.keyOf(4, 0x0B000000 + address, 0)); // a spread of attackers
        }
        nanos += 1; // Alice's entry is long gone from a table of 8: she starts with a fresh allowance
        assertEquals(ClientLimits.ALLOWED, limits.admit(ALICE));
    }

    @Test
    void theMostRefusedClientsComeFirstAndTheListIsBounded() {
        ClientLimits limits = limits(1, 0, 1024);
        for (int i = 0; i < 5; i++) {
            limits.admit(ALICE);
        }
        for (int i = 0; i < 3; i++) {
            limits.admit(BOB);
        }
        for (int address = 0; address < 50; address++) {
            long client = ClientLimits.keyOf(4, 0x0C000000 + address, 0);
            limits.admit(client);
            limits.admit(client);
        }
        List<ClientLimits.Refused> top = limits.mostRefused(3);
        assertEquals(3, top.size());
        assertEquals(new ClientLimits.Refused(ALICE, 4), top.get(0));
        assertEquals(new ClientLimits.Refused(BOB, 2), top.get(1));
        assertEquals(1, top.get(2).refusals());
        assertTrue(limits.mostRefused(1000).size() <= 52);
    }

    @Test
    void withoutLimitsEverythingIsAllowed() {
        ClientLimits none = ClientLimits.none();
        for (int i = 0; i < 10_000; i++) {
            assertEquals(ClientLimits.ALLOWED, none.admit(ALICE));
        }
    }
}
