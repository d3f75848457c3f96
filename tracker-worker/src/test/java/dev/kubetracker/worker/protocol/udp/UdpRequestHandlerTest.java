package dev.kubetracker.worker.protocol.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.access.AccessList;
import dev.kubetracker.worker.cluster.ChangeLog;
import dev.kubetracker.worker.deniability.RandomPeers;
import dev.kubetracker.worker.logic.AnnounceOutcome;
import dev.kubetracker.worker.logic.TrackerLogic;
import dev.kubetracker.worker.net.ClientAddress;
import dev.kubetracker.worker.stats.RequestCounters;
import dev.kubetracker.worker.swarm.AnnouncePolicy;
import dev.kubetracker.worker.swarm.SwarmStore;
import dev.kubetracker.worker.testing.InfoHashes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UdpRequestHandlerTest {
    private final int now = 5_000_000;
    private final SwarmStore store = new SwarmStore(16, 45, () -> now);
    private final ConnectionIds ids = new ConnectionIds(ConnectionIds.randomKey(), 10, () -> now);
    private final RequestCounters counters = new RequestCounters();
    private final UdpRequestHandler handler = handlerOver(store);
    private final ByteBuf out = Unpooled.buffer();

    private UdpRequestHandler handlerOver(SwarmStore swarms) {
        TrackerLogic logic = new TrackerLogic(swarms, AccessList.off(), new AnnouncePolicy(1800, 900, 50, 200),
                ChangeLog.NONE, new RandomPeers(0, 0, 1024, 65535), counters);
        return new UdpRequestHandler(logic, ids, counters);
    }

    private static ClientAddress v4(int address) {
        ClientAddress a = new ClientAddress();
        a.setV4(address);
        return a;
    }

    private boolean handle(ByteBuf in, ClientAddress client) {
        out.clear();
        return handler.handle(in, client, out);
    }

    private long connect(ClientAddress client) {
        assertTrue(handle(Unpooled.buffer().writeLong(UdpRequest.PROTOCOL_ID).writeInt(0).writeInt(99), client));
        assertEquals(16, out.readableBytes());
        assertEquals(0, out.getInt(0));
        assertEquals(99, out.getInt(4));
        return out.getLong(8);
    }

    private static ByteBuf announce(long connectionId, int event, long left, int numwant, int port) {
        return Unpooled.buffer().writeLong(connectionId).writeInt(1).writeInt(1234)
                .writeBytes(InfoHashes.random(7)).writeBytes(new byte[20])
                .writeLong(0).writeLong(left).writeLong(0)
                .writeInt(event).writeInt(0).writeInt(0).writeInt(numwant).writeShort(port);
    }

    private String errorMessage() {
        assertEquals(3, out.getInt(0));
        return out.toString(8, out.readableBytes() - 8, StandardCharsets.US_ASCII);
    }

    @Test
    void connectThenAnnounceThenScrape() {
        ClientAddress seeder = v4(0x0A000001);
        assertTrue(handle(announce(connect(seeder), 2, 0, -1, 6881), seeder));
        assertEquals(20, out.readableBytes(), "the only peer gets no peers");
        assertEquals(1, out.getInt(0));
        assertEquals(1234, out.getInt(4));
        int interval = out.getInt(8);
        assertTrue(interval >= 1620 && interval < 1980, "interval " + interval);
        assertEquals(0, out.getInt(12), "leechers");
        assertEquals(1, out.getInt(16), "seeders");

        ClientAddress leecher = v4(0x0A000002);
        assertTrue(handle(announce(connect(leecher), 2, 100, -1, 7000), leecher));
        assertEquals(26, out.readableBytes());
        assertEquals(0x0A000001, out.getInt(20));
        assertEquals(6881, out.getUnsignedShort(24));

        ByteBuf scrape = Unpooled.buffer().writeLong(connect(leecher)).writeInt(2).writeInt(5)
                .writeBytes(InfoHashes.random(7)).writeBytes(InfoHashes.random(8));
        assertTrue(handle(scrape, leecher));
        assertEquals(8 + 24, out.readableBytes());
        assertEquals(1, out.getInt(8), "seeders");
        assertEquals(0, out.getInt(12), "completed");
        assertEquals(1, out.getInt(16), "leechers");
        assertEquals(0, out.getInt(20) + out.getInt(24) + out.getInt(28), "unknown torrent: zeros");
    }

    @Test
    void ipv6ClientsGetEighteenBytePeers() {
        ClientAddress a = new ClientAddress();
        a.set(new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        ClientAddress b = new ClientAddress();
        b.set(new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2});
        assertTrue(handle(announce(connect(a), 2, 0, -1, 1111), a));
        assertTrue(handle(announce(connect(b), 2, 100, -1, 2222), b));
        assertEquals(20 + 18, out.readableBytes());
        assertEquals(0x20010db800000000L, out.getLong(20));
        assertEquals(1, out.getLong(28));
        assertEquals(1111, out.getUnsignedShort(36));
    }

    @Test
    void toleratesBep41OptionsAfterTheAnnounce() {
        ClientAddress client = v4(0x0A000001);
        ByteBuf request = announce(connect(client), 0, 5, -1, 6881).writeByte(2).writeByte(9)
                .writeBytes("/announce".getBytes(StandardCharsets.US_ASCII)).writeByte(1).writeByte(0);
        assertTrue(handle(request, client));
        assertEquals(1, out.getInt(0));
    }

    @Test
    void answersBadConnectionIdsWithAnError() {
        ClientAddress client = v4(0x0A000001);
        long id = connect(client);
        assertTrue(handle(announce(id ^ 0x10, 2, 0, -1, 6881), client));
        assertEquals("bad connection id", errorMessage());
        assertEquals(1234, out.getInt(4));
        assertTrue(handle(announce(id, 2, 0, -1, 6881), v4(0x0A000009)));
        assertEquals("bad connection id", errorMessage(), "an id is bound to its address");
        assertEquals(0, store.torrents());
    }

    @Test
    void neverAnswersWithMoreBytesThanItReceived() {
        ClientAddress client = v4(0x0A000001);
        for (int length = 16; length <= 120; length++) {
            ByteBuf junk = Unpooled.buffer().writeLong(12345).writeInt(1 + length % 2).writeInt(7).writeZero(length - 16);
            if (handle(junk, client)) {
                assertTrue(out.readableBytes() <= length, "reply of " + out.readableBytes() + " to " + length);
            }
        }
        long id = connect(client);
        for (int length = 16; length < 98; length++) {
            if (handle(announce(id, 2, 0, -1, 6881).slice(0, length), client)) {
                assertTrue(out.readableBytes() <= length);
            }
        }
    }

    @Test
    void refusesNewTorrentsWhenTheStoreIsFullButServesKnownOnes() {
        SwarmStore full = new SwarmStore(1, 45, 1, 60, () -> now);
        UdpRequestHandler capped = handlerOver(full);
        ClientAddress client = v4(0x0A000001);
        long id = connect(client);
        out.clear();
        assertTrue(capped.handle(announce(id, 2, 0, -1, 6881), client, out));
        assertEquals(1, out.getInt(0), "the first torrent fits");
        ByteBuf other = announce(id, 2, 0, -1, 6881);
        other.setByte(16, other.getByte(16) ^ 1);
        out.clear();
        assertTrue(capped.handle(other, client, out));
        assertEquals(AnnounceOutcome.TRACKER_FULL.failureReason(), errorMessage());
        out.clear();
        assertTrue(capped.handle(announce(id, 0, 0, -1, 6881), client, out));
        assertEquals(1, out.getInt(0), "the known torrent is still served");
    }

    @Test
    void refusesShortAnnouncesPortZeroAndBadEvents() {
        ClientAddress client = v4(0x0A000001);
        long id = connect(client);
        ByteBuf full = announce(id, 2, 0, -1, 6881);
        assertTrue(handle(full.slice(0, 97), client));
        assertEquals("announce too short", errorMessage());
        assertTrue(handle(announce(id, 2, 0, -1, 0), client));
        assertEquals("invalid port", errorMessage());
        assertTrue(handle(announce(id, 4, 0, -1, 6881), client));
        assertEquals("invalid event", errorMessage());
        assertEquals(0, store.torrents());
    }

    @Test
    void dropsWhatIsNotBep15() {
        ClientAddress client = v4(0x0A000001);
        for (int length = 0; length < 16; length++) {
            assertFalse(handle(Unpooled.wrappedBuffer(new byte[length]), client), "length " + length);
        }
        assertFalse(handle(Unpooled.buffer().writeLong(0x41727101981L).writeInt(0).writeInt(1), client),
                "wrong magic");
        long id = connect(client);
        assertFalse(handle(Unpooled.buffer().writeLong(id).writeInt(3).writeInt(1).writeBytes(new byte[20]), client),
                "an error packet is never answered");
        assertFalse(handle(Unpooled.buffer().writeLong(id).writeInt(77).writeInt(1), client), "unknown action");
    }

    @Test
    void scrapeAnswersAtMost74HashesAndRefusesNone() {
        ClientAddress client = v4(0x0A000001);
        long id = connect(client);
        assertFalse(handle(Unpooled.buffer().writeLong(id).writeInt(2).writeInt(1), client),
                "a 16-byte scrape gets no error: the error would be larger than the request");
        assertTrue(handle(Unpooled.buffer().writeLong(id).writeInt(2).writeInt(1).writeBytes(new byte[19]), client));
        assertEquals("scrape without info_hash", errorMessage());
        ByteBuf many = Unpooled.buffer().writeLong(id).writeInt(2).writeInt(1).writeBytes(new byte[200 * 20]);
        assertTrue(handle(many, client));
        assertEquals(8 + 74 * 12, out.readableBytes());
        ByteBuf partial = Unpooled.buffer().writeLong(id).writeInt(2).writeInt(1).writeBytes(new byte[20 + 19]);
        assertTrue(handle(partial, client));
        assertEquals(8 + 12, out.readableBytes(), "a trailing partial hash is ignored");
    }

    @Test
    void numwantIsCappedSoTheReplyFitsOneDatagram() {
        ClientAddress requester = v4(0x0B000000);
        for (int i = 1; i <= 300; i++) {
            ClientAddress peer = v4(0x0A000000 + i);
            handle(announce(connect(peer), 2, 100, 0, 6881), peer);
        }
        assertTrue(handle(announce(connect(requester), 2, 100, Integer.MAX_VALUE, 6881), requester));
        assertEquals(20 + 200 * 6, out.readableBytes());
        assertTrue(handle(announce(connect(requester), 0, 100, -1, 6881), requester));
        assertEquals(20 + 50 * 6, out.readableBytes(), "-1 means the default");
    }

    @Test
    void survivesRandomDatagramsOfEveryLength() {
        Random random = new Random(1);
        ClientAddress client = v4(0x0A000001);
        long id = connect(client);
        for (int length = 0; length <= 120; length++) {
            for (int round = 0; round < 50; round++) {
                byte[] junk = new byte[length];
                random.nextBytes(junk);
                ByteBuf in = Unpooled.wrappedBuffer(junk);
                if (round % 2 == 0 && length >= 16) {
                    in.setLong(0, id);
                    in.setInt(8, round % 4 == 0 ? 1 : 2);
                }
                handle(in, client);
            }
        }
        assertTrue(handle(announce(id, 2, 0, -1, 6881), client));
        assertEquals(1, out.getInt(0), "still serving");
        assertEquals(121 * 50 + 2, counters.udpPackets(), "every datagram counted, valid or not");
    }
}
