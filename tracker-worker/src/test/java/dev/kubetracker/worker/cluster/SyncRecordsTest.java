package dev.kubetracker.worker.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.swarm.Announce;
import dev.kubetracker.worker.swarm.PeerRecord;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class SyncRecordsTest {
    private final int[] downloaded = new int[1];

    @Test
    void roundTripsIpv4AndIpv6PeersAndDownloadCounts() {
        ByteBuffer b = ByteBuffer.allocate(200);
        assertTrue(SyncRecords.putSnapshotPeer(b, 1, 2, 3, 4, 0x7F000001, 0, 0, 6881,
                PeerRecord.SEEDER | PeerRecord.COMPLETED, 44));
        assertTrue(SyncRecords.putSnapshotPeer(b, 1, 2, 3, 6, 0, 0x20010db800000000L, 5, 7000, 0, 3));
        assertTrue(SyncRecords.putDownloaded(b, 1, 2, 3, 12));
        assertEquals(29 + 41 + 27, b.position());
        b.flip();

        Announce a = new Announce();
        assertEquals(SyncRecords.SNAPSHOT_PEER, SyncRecords.read(b, a, downloaded));
        assertEquals(4, a.family);
        assertEquals(0x7F000001, a.address4);
        assertEquals(6881, a.port);
        assertTrue(a.isSeeder());
        assertTrue(a.completedBefore);
        assertTrue(a.fromSync);
        assertEquals(44, a.ageMinutes);

        assertEquals(SyncRecords.SNAPSHOT_PEER, SyncRecords.read(b, a, downloaded));
        assertEquals(6, a.family);
        assertEquals(0x20010db800000000L, a.address6High);
        assertEquals(5, a.address6Low);
        assertFalse(a.isSeeder());
        assertEquals(3, a.ageMinutes);

        assertEquals(SyncRecords.DOWNLOADED, SyncRecords.read(b, a, downloaded));
        assertEquals(12, downloaded[0]);
        assertEquals(3, a.infoHash.low);
        assertFalse(b.hasRemaining());
    }

    @Test
    void refusesUnknownTypesTruncationAndPortZero() {
        Announce a = new Announce();
        assertEquals(-1, SyncRecords.read(ByteBuffer.wrap(new byte[10]), a, downloaded));
        byte[] unknown = new byte[29];
        unknown[0] = 9;
        assertEquals(-1, SyncRecords.read(ByteBuffer.wrap(unknown), a, downloaded));
        byte[] portZero = new byte[29];
        portZero[0] = SyncRecords.ANNOUNCE;
        assertEquals(-1, SyncRecords.read(ByteBuffer.wrap(portZero), a, downloaded));
        ByteBuffer b = ByteBuffer.allocate(100);
        SyncRecords.putSnapshotPeer(b, 1, 2, 3, 6, 0, 1, 1, 1, 0, 0);
        b.flip().limit(30);
        assertEquals(-1, SyncRecords.read(b, a, downloaded));
    }

    @Test
    void putRefusesWhatDoesNotFit() {
        ByteBuffer small = ByteBuffer.allocate(28);
        assertFalse(SyncRecords.putSnapshotPeer(small, 1, 2, 3, 4, 1, 0, 0, 1, 0, 0));
        assertEquals(0, small.position());
    }
}
