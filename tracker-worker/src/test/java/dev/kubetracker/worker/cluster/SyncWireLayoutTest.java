package dev.kubetracker.worker.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.swarm.Announce;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The bytes on the wire, at the offsets docs/SYNC.md gives: what older and newer workers agree on. */
class SyncWireLayoutTest {
    private static final ClusterKey KEY = new ClusterKey("a cluster secret of enough bytes".getBytes(StandardCharsets.UTF_8));
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void aDatagramIsMagicSenderTimeSequenceCountRecordsAndMacAtTheDocumentedOffsets() {
        Announce a = new Announce();
        a.clear();
        a.infoHash.set(0x0102030405060708L, 0x090A0B0C0D0E0F10L, 0x11121314);
        a.family = 4;
        a.address4 = 0x7F000001;
        a.port = 6881;
        a.left = 0;
        a.event = Announce.Event.COMPLETED;
        ByteBuffer records = ByteBuffer.allocate(SyncDatagram.MAX_RECORD_BYTES);
        assertTrue(SyncRecords.putChange(records, a));
        ByteBuffer out = ByteBuffer.allocate(SyncDatagram.MAX_BYTES);
        SyncDatagram.encode(out, 0x1122334455667788L, 1_800_000_000_000L, 5, records, 1, KEY.signer());

        byte[] bytes = Arrays.copyOf(out.array(), out.limit());
        assertEquals(30 + 29 + 16, bytes.length);
        assertEquals("4b545331" + "1122334455667788" + "000001a3185c5000" + "0000000000000005" + "0001",
                HEX.formatHex(bytes, 0, 30));
        assertEquals("02" + "02" + "00" + "0102030405060708090a0b0c0d0e0f1011121314" + "7f000001" + "1ae1",
                HEX.formatHex(bytes, 30, 59), "type COMPLETED, flags SEEDER, age 0, hash, address, port");
        byte[] mac = new byte[16];
        KEY.signer().sign(null, bytes, 0, 59, mac, 0);
        assertArrayEquals(mac, Arrays.copyOfRange(bytes, 59, 75));
    }

    @Test
    void aSnapshotRequestAndAFrameAreLaidOutAsDocumented() {
        byte[] nonce = new byte[16];
        Arrays.fill(nonce, (byte) 0xAB);
        byte[] request = new byte[SnapshotProtocol.REQUEST_BYTES];
        SnapshotProtocol.writeRequest(request, nonce, 1_800_000_000_000L, KEY.signer());
        assertEquals(44, request.length);
        assertEquals("4b545352" + "ab".repeat(16) + "000001a3185c5000", HEX.formatHex(request, 0, 28));
        byte[] mac = new byte[16];
        KEY.signer().sign(null, request, 0, 28, mac, 0);
        assertArrayEquals(mac, Arrays.copyOfRange(request, 28, 44));

        ByteBuffer frame = ByteBuffer.allocate(64).position(SnapshotProtocol.FRAME_RECORDS_OFFSET);
        frame.put(new byte[] {1, 2, 3});
        SnapshotProtocol.sealFrame(frame, nonce, 7, KEY.signer());
        assertEquals(4 + 3 + 16, frame.limit());
        assertEquals("00000003" + "010203", HEX.formatHex(frame.array(), 0, 7));
        byte[] prefix = new byte[24];
        System.arraycopy(nonce, 0, prefix, 0, 16);
        prefix[23] = 7;
        KEY.signer().sign(prefix, new byte[] {1, 2, 3}, 0, 3, mac, 0);
        assertArrayEquals(mac, Arrays.copyOfRange(frame.array(), 7, 23), "MAC of nonce, index (8) and records");
    }

    @Test
    void antiEntropyRequestsAndTheTombstoneRecordAreLaidOutAsDocumented() {
        byte[] nonce = new byte[16];
        Arrays.fill(nonce, (byte) 0xAB);
        byte[] digests = SnapshotProtocol.digestsRequest(nonce, 1_800_000_000_000L, 1024, KEY.signer());
        assertEquals(48, digests.length);
        assertEquals("4b545344" + "ab".repeat(16) + "000001a3185c5000" + "00000400", HEX.formatHex(digests, 0, 32));
        byte[] mac = new byte[16];
        KEY.signer().sign(null, digests, 0, 32, mac, 0);
        assertArrayEquals(mac, Arrays.copyOfRange(digests, 32, 48));

        byte[] shards = SnapshotProtocol.shardsRequest(nonce, 1_800_000_000_000L, 1024, new int[] {3, 1023},
                KEY.signer());
        assertEquals(34 + 2 * 4 + 16, shards.length);
        assertEquals("4b545353" + "ab".repeat(16) + "000001a3185c5000" + "00000400" + "0002" + "00000003" + "000003ff",
                HEX.formatHex(shards, 0, 42));
        KEY.signer().sign(null, shards, 0, 42, mac, 0);
        assertArrayEquals(mac, Arrays.copyOfRange(shards, 42, 58));
        assertEquals(shards.length, SnapshotProtocol.requestLength(shards, shards.length));
        assertEquals(SnapshotProtocol.REQUEST_BYTES + 4, SnapshotProtocol.requestLength(digests, 28));

        ByteBuffer record = ByteBuffer.allocate(64);
        assertTrue(SyncRecords.putPeer(record, SyncRecords.TOMBSTONE, 0x0102030405060708L, 0x090A0B0C0D0E0F10L,
                0x11121314, 4, 0x7F000001, 0, 0, 6881, false, false, 3));
        assertEquals("06" + "00" + "03" + "0102030405060708090a0b0c0d0e0f1011121314" + "7f000001" + "1ae1",
                HEX.formatHex(record.array(), 0, record.position()), "type TOMBSTONE, no flags, age 3, the peer");
    }
}
