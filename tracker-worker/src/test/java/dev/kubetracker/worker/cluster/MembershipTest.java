package dev.kubetracker.worker.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MembershipTest {
    private static final int PORT = 6970;

    private static void assertParses(String text, String host, int port) {
        InetSocketAddress a = Membership.parse(text, PORT);
        assertEquals(host, a.getHostString(), text);
        assertEquals(port, a.getPort(), text);
    }

    @Test
    void parsesHostPortBracketedV6BareHostsAndBareV6Literals() {
        assertParses("10.0.0.1:7000", "10.0.0.1", 7000);
        assertParses("tracker-0.tracker:7000", "tracker-0.tracker", 7000);
        assertParses("[2001:db8::1]:7000", "2001:db8::1", 7000);
        assertParses("[2001:db8::1]", "2001:db8::1", PORT);
        assertParses("tracker-1.tracker", "tracker-1.tracker", PORT);
        assertParses("2001:db8::1", "2001:db8::1", PORT);
        assertParses("  10.0.0.2:7001 ", "10.0.0.2", 7001);
    }

    @Test
    void refusesBadPeersWithAClearError() {
        for (String bad : new String[] {"", "   ", "[2001:db8::1", "[2001:db8::1]7000", "[::1]:", "host:",
                "host:port", "host:0", "host:65536", "[::1]:-1", ":7000", "[]:7000"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Membership.parse(bad, PORT),
                    "'" + bad + "'");
            assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a message for '" + bad + "'");
        }
    }

    @Test
    void aWorkerBoundToOneAddressIsOnlyThatAddressSoSiblingsMayShareItsPort() {
        Membership m = new Membership(List.of(), Optional.empty(), new InetSocketAddress("127.0.0.2", PORT), HostLookup.jdk());
        assertTrue(m.isSelf(new InetSocketAddress("127.0.0.2", PORT)));
        assertFalse(m.isSelf(new InetSocketAddress("127.0.0.1", PORT)));
        assertFalse(m.isSelf(new InetSocketAddress("127.0.0.3", PORT)));
        assertFalse(m.isSelf(new InetSocketAddress("127.0.0.2", PORT + 1)));
    }

    @Test
    void aWorkerBoundToTheWildcardIsEveryLocalAddressOnItsPort() {
        Membership m = new Membership(List.of(), Optional.empty(), new InetSocketAddress(PORT), HostLookup.jdk());
        assertTrue(m.isSelf(new InetSocketAddress("127.0.0.1", PORT)));
        assertTrue(m.isSelf(new InetSocketAddress("127.0.0.3", PORT)), "the wildcard listens on all of 127/8");
        assertTrue(m.isSelf(new InetSocketAddress("::1", PORT)));
        assertFalse(m.isSelf(new InetSocketAddress("127.0.0.1", PORT + 1)));
        assertFalse(m.isSelf(new InetSocketAddress("192.0.2.1", PORT)), "TEST-NET-1 is on no interface here");
    }

    @Test
    void staticSiblingsOnOtherLoopbackAddressesWithTheSamePortAreKept() {
        Membership m = new Membership(List.of("127.0.0.1:" + PORT, "127.0.0.2:" + PORT, "127.0.0.3:" + PORT),
                Optional.empty(), new InetSocketAddress("127.0.0.1", PORT), HostLookup.jdk());
        m.refresh();
        assertEquals(List.of(new InetSocketAddress("127.0.0.2", PORT), new InetSocketAddress("127.0.0.3", PORT)),
                m.siblings());
    }

    /** Answers from a script the test changes: a list of literals, or null for a failed lookup. */
    private static final class ScriptedLookup implements HostLookup {
        volatile List<String> answer;

        @Override
        public List<InetAddress> addresses(String host) throws UnknownHostException {
            List<String> now = answer;
            if (now == null) {
                throw new UnknownHostException(host + ": SERVFAIL");
            }
            List<InetAddress> out = new ArrayList<>();
            for (String literal : now) {
                out.add(InetAddress.getByName(literal));
            }
            return out;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aFailedLookupKeepsTheSiblingsTheNameHadAndTheNextAnswerReplacesThem() {
        ScriptedLookup dns = new ScriptedLookup();
        Membership m = new Membership(List.of(), Optional.of("tracker-sync"), new InetSocketAddress("10.0.0.1", PORT), dns);
        m.refresh();
        assertEquals(List.of(), m.siblings(), "no answer yet: no siblings");

        dns.answer = List.of("10.0.0.1", "10.0.0.2", "10.0.0.3");
        m.refresh();
        List<InetSocketAddress> two = List.of(new InetSocketAddress("10.0.0.2", PORT), new InetSocketAddress("10.0.0.3", PORT));
        assertEquals(two, m.siblings());

        dns.answer = null;
        m.refresh();
        assertEquals(two, m.siblings(), "a failed lookup keeps the last answer");

        dns.answer = List.of("10.0.0.1", "10.0.0.4", "10.0.0.3");
        m.refresh();
        assertEquals(List.of(new InetSocketAddress("10.0.0.4", PORT), new InetSocketAddress("10.0.0.3", PORT)),
                m.siblings(), "a restarted sibling's new address replaces its old one at the next refresh");
    }
}
