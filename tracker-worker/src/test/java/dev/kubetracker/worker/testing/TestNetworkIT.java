package dev.kubetracker.worker.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The namespace network the cluster and real-client tests stand on: reachable, named, lossy on demand, and gone after. */
class TestNetworkIT {

    @Test
    void hostsAreReachableFromTheTestNamedByTheDnsServerAndGoneAfterClose() throws Exception {
        TestNetwork.Host host;
        String hub;
        try (TestNetwork network = TestNetwork.create()) {
            NamespaceDns.requireSupport();
            host = network.addHost();
            TestNetwork.Host other = network.addHost();
            hub = network.hub().namespace();
            assertTrue(host.run("ip", "-o", "addr", "show", "dev", "eth0").contains(host.ipv4() + "/24"));
            assertTrue(host.run("ip", "-o", "addr", "show", "dev", "eth0").contains(host.ipv6() + "/64"));
            assertTrue(host.run("ip", "-o", "link", "show", "dev", "lo").contains("UP"), "lo is up");
            // From the test JVM (root namespace) through the bridge: ICMP echo, as root.
            assertTrue(InetAddress.getByName(other.ipv4()).isReachable(5_000), other.ipv4());
            assertTrue(InetAddress.getByName(other.ipv6()).isReachable(5_000), other.ipv6());

            try (NamespaceDns dns = NamespaceDns.start(network, Path.of("target", "it-netns", "network-it").toAbsolutePath())) {
                dns.publish("sync.netns.test", List.of(host.ipv4(), other.ipv4(), other.ipv6()));
                assertEquals(Set.of(host.ipv4(), other.ipv4(), other.ipv6()), dns.resolve("sync.netns.test"));
                String fromHost = host.run("getent", "ahostsv4", "sync.netns.test");
                assertTrue(fromHost.contains(other.ipv4()), fromHost);
                dns.publish("sync.netns.test", List.of(other.ipv4()));
                assertEquals(Set.of(other.ipv4()), dns.resolve("sync.netns.test"));
            }
        }
        assertFalse(TestNetwork.run("ip", "netns", "list").contains(host.namespace()));
        assertFalse(TestNetwork.run("ip", "netns", "list").contains(hub));
        assertFalse(Files.exists(Path.of("/etc/netns", host.namespace())));
    }

    @Test
    void aLossRuleDropsDatagramsToItsPortUntilClosed() throws Exception {
        try (TestNetwork network = TestNetwork.create(); DatagramSocket socket = new DatagramSocket()) {
            TestNetwork.Host host = network.addHost();
            InetSocketAddress target = new InetSocketAddress(host.ipv4(), 7777);
            byte[] payload = new byte[8];
            try (TestNetwork.UdpLoss loss = host.dropUdp(7777, 1.0)) {
                for (int i = 0; i < 5; i++) {
                    socket.send(new DatagramPacket(payload, payload.length, target));
                }
                Await.until("five datagrams dropped by the rule", Duration.ofSeconds(10), () -> loss.dropped() == 5);
            }
            assertFalse(host.run("iptables", "-w", "5", "-S", "INPUT").contains("DROP"), "rule removed");
        }
    }

    @Test
    void aNetworkLeftByADeadRunIsRemovedByTheNextOne() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String stale = "ktnet-" + gone.pid() + "-1-hub";
        TestNetwork.run("ip", "netns", "add", stale);
        Files.createDirectories(Path.of("/etc/netns", stale));
        try (TestNetwork network = TestNetwork.create()) {
            assertFalse(TestNetwork.run("ip", "netns", "list").contains(stale));
            assertFalse(Files.exists(Path.of("/etc/netns", stale)));
            assertTrue(TestNetwork.run("ip", "netns", "list").contains(network.hub().namespace()), "its own hub stays");
        } finally {
            TestNetwork.outputOf(List.of("ip", "netns", "del", stale));
        }
    }
}
