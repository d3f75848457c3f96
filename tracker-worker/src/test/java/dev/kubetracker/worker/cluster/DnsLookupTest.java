package dev.kubetracker.worker.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kubetracker.worker.testing.LoopbackDns;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DnsLookupTest {
    private LoopbackDns server;
    private DnsLookup lookup;

    @BeforeEach
    void startServerAndLookup() throws Exception {
        server = new LoopbackDns();
        // As a Kubernetes pod's resolv.conf has it: a search domain and ndots:5.
        lookup = new DnsLookup(new SingletonDnsServerAddressStreamProvider(server.address()), List.of("ns.svc.test"), 5);
    }

    @AfterEach
    void stop() {
        lookup.close();
        server.close();
    }

    private static Set<InetAddress> set(String... literals) throws UnknownHostException {
        Set<InetAddress> out = new HashSet<>();
        for (String literal : literals) {
            out.add(InetAddress.getByName(literal));
        }
        return out;
    }

    @Test
    void theNextLookupSeesAChangedAnswerAtOnceThoughTheRecordsSayKeepThemForADay() throws Exception {
        server.publish("tracker-sync.ns.svc.test", "10.1.0.1", "10.1.0.2");
        assertEquals(set("10.1.0.1", "10.1.0.2"), new HashSet<>(lookup.addresses("tracker-sync.ns.svc.test")));
        server.publish("tracker-sync.ns.svc.test", "10.1.0.1", "10.1.0.9");
        assertEquals(set("10.1.0.1", "10.1.0.9"), new HashSet<>(lookup.addresses("tracker-sync.ns.svc.test")));
    }

    @Test
    void aHeadlessServicesShortNameIsCompletedWithTheSearchDomain() throws Exception {
        server.publish("tracker-sync.ns.svc.test", "10.1.0.1");
        assertEquals(set("10.1.0.1"), new HashSet<>(lookup.addresses("tracker-sync")));
    }

    @Test
    void bothAAndAaaaRecordsAreAddresses() throws Exception {
        server.publish("tracker-sync.ns.svc.test", "10.1.0.1", "fd00::1");
        assertEquals(set("10.1.0.1", "fd00::1"), new HashSet<>(lookup.addresses("tracker-sync.ns.svc.test")));
    }

    @Test
    void aLiteralIsItsOwnAddressWithoutAQuestion() throws Exception {
        assertEquals(List.of(InetAddress.getByName("10.1.0.7")), lookup.addresses("10.1.0.7"));
        assertEquals(0, server.questions());
    }

    @Test
    void noSuchNameAndAServerFailureAreUnknownHosts() throws Exception {
        assertThrows(UnknownHostException.class, () -> lookup.addresses("nothing-here.ns.svc.test"));
        server.publish("tracker-sync.ns.svc.test", "10.1.0.1");
        server.failAll(true);
        assertThrows(UnknownHostException.class, () -> lookup.addresses("tracker-sync.ns.svc.test"));
    }
}
