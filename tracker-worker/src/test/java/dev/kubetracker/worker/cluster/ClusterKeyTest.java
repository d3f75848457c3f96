package dev.kubetracker.worker.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.swarm.Announce;
import dev.kubetracker.worker.swarm.SwarmStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The three phases of a cluster-key rotation: no worker refuses another's MAC at any point of it. */
class ClusterKeyTest {
    private static final byte[] OLD = "the old cluster secret, 32 bytes".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NEW = "the new cluster secret, 32 bytes".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DATA = "a datagram's header and records".getBytes(StandardCharsets.UTF_8);
    private static final long NOW = 1_800_000_000_000L;

    private static final ClusterKey BEFORE = new ClusterKey(OLD);
    private static final ClusterKey PHASE1 = new ClusterKey(OLD, NEW); // signs old, accepts new
    private static final ClusterKey PHASE2 = new ClusterKey(NEW, OLD); // signs new, accepts old
    private static final ClusterKey AFTER = new ClusterKey(NEW);

    private static byte[] mac(ClusterKey key) {
        byte[] mac = new byte[ClusterKey.MAC_BYTES];
        key.signer().sign(null, DATA, 0, DATA.length, mac, 0);
        return mac;
    }

    private static boolean accepts(ClusterKey receiver, ClusterKey sender) {
        return receiver.signer().verify(null, DATA, 0, DATA.length, mac(sender), 0);
    }

    @Test
    void neighbouringPhasesAcceptEachOthersMacsBothWays() {
        ClusterKey[] phases = {BEFORE, PHASE1, PHASE2, AFTER};
        for (int i = 0; i + 1 < phases.length; i++) {
            assertTrue(accepts(phases[i], phases[i + 1]), "phase " + i + " accepts phase " + (i + 1));
            assertTrue(accepts(phases[i + 1], phases[i]), "phase " + (i + 1) + " accepts phase " + i);
        }
    }

    @Test
    void skippingPhaseOneWouldDropDatagramsMidRollout() {
        assertFalse(accepts(BEFORE, PHASE2), "a worker not yet restarted refuses the new key");
        assertFalse(accepts(AFTER, BEFORE), "after the rotation the old key is refused");
    }

    @Test
    void theAcceptedKeyNeverSigns() {
        assertArrayEquals(mac(BEFORE), mac(PHASE1));
        assertArrayEquals(mac(AFTER), mac(PHASE2));
    }

    @Test
    void aShortAcceptedKeyIsRefusedAndAnEmptyOneMeansNone() {
        assertThrows(IllegalArgumentException.class, () -> new ClusterKey(OLD, new byte[15]));
        assertFalse(new ClusterKey(OLD, new byte[0]).hasAcceptedKey());
        assertTrue(PHASE1.hasAcceptedKey());
    }

    @Test
    void aReceiverWithAnAcceptedKeyAppliesDatagramsSignedWithEitherKey() {
        SwarmStore store = new SwarmStore(16, 45, () -> (int) (NOW / 60_000));
        SyncStats stats = new SyncStats();
        SyncReceiver receiver = new SyncReceiver(null, store, PHASE2, 42, stats);
        receiver.handle(datagram(BEFORE, 7, 1), NOW);
        receiver.handle(datagram(AFTER, 8, 1), NOW);
        receiver.handle(datagram(new ClusterKey("neither the old nor the new key!".getBytes(StandardCharsets.UTF_8)),
                9, 1), NOW);
        assertEquals(2, stats.datagramsReceived());
        assertEquals(1, stats.drops(SyncStats.Drop.BAD_MAC));
    }

    private static ByteBuffer datagram(ClusterKey key, long sender, long sequence) {
        Announce a = new Announce();
        a.clear();
        a.infoHash.set(0x1111, 0x2222, 0x3333);
        a.family = 4;
        a.address4 = (int) sender;
        a.port = 6881;
        a.event = Announce.Event.STARTED;
        ByteBuffer records = ByteBuffer.allocate(SyncDatagram.MAX_RECORD_BYTES);
        assertTrue(SyncRecords.putChange(records, a));
        ByteBuffer out = ByteBuffer.allocate(SyncDatagram.MAX_BYTES);
        SyncDatagram.encode(out, sender, NOW, sequence, records, 1, key.signer());
        return out;
    }
}
