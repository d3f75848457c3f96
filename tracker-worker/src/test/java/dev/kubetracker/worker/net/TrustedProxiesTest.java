package dev.kubetracker.worker.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
    private static ClientAddress ip(String text) {
        ClientAddress a = new ClientAddress();
        assertTrue(IpLiteral.parse(text, a), text);
        return a;
    }

    @Test
    void cidrsMatchTheirNetworksOnly() {
        Cidr ten = Cidr.parse("10.0.0.0/8");
        assertTrue(ten.contains(ip("10.255.1.2")));
        assertFalse(ten.contains(ip("11.0.0.1")));
        assertFalse(ten.contains(ip("::ffff:11.0.0.1")));
        assertTrue(ten.contains(ip("::ffff:10.0.0.1")), "IPv4-mapped counts as IPv4");
        Cidr ula = Cidr.parse("fd00::/8");
        assertTrue(ula.contains(ip("fd12:3456::1")));
        assertFalse(ula.contains(ip("fe80::1")));
        assertTrue(Cidr.parse("0.0.0.0/0").contains(ip("1.2.3.4")));
        assertTrue(Cidr.parse("2001:db8::1").contains(ip("2001:db8::1")));
        assertFalse(Cidr.parse("2001:db8::1").contains(ip("2001:db8::2")));
        assertTrue(Cidr.parse("2001:db8::/96").contains(ip("2001:db8::ffff:1")));
    }

    @Test
    void rejectsHostNamesAndBadPrefixes() {
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("example.com/8"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/x"));
        assertFalse(IpLiteral.parse("localhost", new ClientAddress()));
        assertFalse(IpLiteral.parse("1.2.3", new ClientAddress()));
        assertFalse(IpLiteral.parse("1.2.3.256", new ClientAddress()));
    }

    @Test
    void believesForwardedForOnlyFromTrustedProxies() {
        TrustedProxies proxies = new TrustedProxies(List.of(Cidr.parse("10.0.0.0/8")));
        ClientAddress scratch = new ClientAddress();

        ClientAddress fromProxy = ip("10.0.0.5");
        assertTrue(proxies.resolve(fromProxy, "203.0.113.7", scratch));
        assertEquals("203.0.113.7", fromProxy.toString());

        ClientAddress fromStranger = ip("198.51.100.1");
        assertTrue(proxies.resolve(fromStranger, "203.0.113.7", scratch));
        assertEquals("198.51.100.1", fromStranger.toString());
    }

    @Test
    void takesTheRightMostAddressThatIsNotAProxy() {
        TrustedProxies proxies = new TrustedProxies(List.of(Cidr.parse("10.0.0.0/8")));
        ClientAddress client = ip("10.0.0.5");
        assertTrue(proxies.resolve(client, "1.1.1.1, 203.0.113.7, 10.0.0.9", new ClientAddress()));
        assertEquals("203.0.113.7", client.toString(), "a client-supplied left-most entry is not believed");
    }

    @Test
    void refusesGarbageFromATrustedProxy() {
        TrustedProxies proxies = new TrustedProxies(List.of(Cidr.parse("10.0.0.0/8")));
        assertFalse(proxies.resolve(ip("10.0.0.5"), "not-an-ip", new ClientAddress()));
    }

    @Test
    void nobodyIsTrustedByDefault() {
        TrustedProxies none = new TrustedProxies(List.of());
        ClientAddress client = ip("10.0.0.5");
        assertTrue(none.resolve(client, "203.0.113.7", new ClientAddress()));
        assertEquals("10.0.0.5", client.toString());
    }
}
