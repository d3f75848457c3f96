package dev.kubetracker.worker.protocol.udp;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.kubetracker.worker.access.AccessList;
import dev.kubetracker.worker.cluster.ChangeLog;
import dev.kubetracker.worker.deniability.RandomPeers;
import dev.kubetracker.worker.logic.TrackerLogic;
import dev.kubetracker.worker.stats.RequestCounters;
import dev.kubetracker.worker.swarm.AnnouncePolicy;
import dev.kubetracker.worker.swarm.SwarmStore;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class UdpTransportTest {
    private final RequestCounters counters = new RequestCounters();
    private final TrackerLogic logic = new TrackerLogic(new SwarmStore(16, 45, () -> 1), AccessList.off(),
            new AnnouncePolicy(1800, 900, 50, 200), ChangeLog.NONE, new RandomPeers(0, 0, 1024, 65535), counters);
    private final Supplier<UdpRequestHandler> handlers =
            () -> new UdpRequestHandler(logic, new ConnectionIds(ConnectionIds.randomKey(), 10, () -> 1), counters);

    @Test
    @EnabledOnOs(OS.LINUX)
    void batchedServesWithItsOwnLoopOnLinux() throws Exception {
        try (AutoCloseable udp = UdpTransport.BATCHED.bind("127.0.0.1", 0, 1, handlers)) {
            assertInstanceOf(BatchedUdpFrontend.class, udp);
        }
    }

    @Test
    void nettyServesWithNettysFrontend() throws Exception {
        try (AutoCloseable udp = UdpTransport.NETTY.bind("127.0.0.1", 0, 1, handlers)) {
            assertInstanceOf(UdpFrontend.class, udp);
        }
    }
}
