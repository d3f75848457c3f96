package dev.kubetracker.worker.protocol.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.worker.net.ClientAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConnectionIdsTest {
    private int now = 29_000_000;
    private final byte[] key = ConnectionIds.keyFromSecret("shared secret".getBytes(StandardCharsets.UTF_8));
    private final ConnectionIds ids = new ConnectionIds(key, 10, () -> now);

    private static ClientAddress v4(int address) {
        ClientAddress a = new ClientAddress();
        a.setV4(address);
        return a;
    }

    @Test
    void acceptsAnIdForTheSameAddressUntilMaxAge() {
        ClientAddress client = v4(0x7F000001);
        long id = ids.issue(client);
        assertTrue(ids.isValid(id, client));
        now += 10;
        assertTrue(ids.isValid(id, client), "accepted at exactly max age");
        now += 1;
        assertFalse(ids.isValid(id, client), "refused past max age");
    }

    @Test
    void refusesAnIdFromAnotherAddress() {
        long id = ids.issue(v4(0x7F000001));
        assertFalse(ids.isValid(id, v4(0x7F000002)));
        ClientAddress v6 = new ClientAddress();
        v6.set(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        assertFalse(ids.isValid(id, v6));
    }

    @Test
    void refusesForgedAndFlippedIds() {
        ClientAddress client = v4(0x0A000001);
        long id = ids.issue(client);
        for (int bit = 0; bit < 48; bit++) {
            assertFalse(ids.isValid(id ^ (1L << bit), client), "bit " + bit);
        }
        assertFalse(ids.isValid(0, client));
        assertFalse(ids.isValid(UdpRequest.PROTOCOL_ID, client));
    }

    @Test
    void anotherWorkerWithTheSameKeyAcceptsTheIdButNotOneWithAnotherKey() {
        ClientAddress client = v4(0x7F000001);
        long id = ids.issue(client);
        assertTrue(new ConnectionIds(key.clone(), 10, () -> now).isValid(id, client));
        assertFalse(new ConnectionIds(ConnectionIds.randomKey(), 10, () -> now).isValid(id, client));
    }

    @Test
    void toleratesOneMinuteOfClockSkewButNotMore() {
        ClientAddress client = v4(0x7F000001);
        long id = ids.issue(client);
        now -= 1;
        assertTrue(ids.isValid(id, client));
        now -= 1;
        assertFalse(ids.isValid(id, client));
    }

    @Test
    void idsChangeFromMinuteToMinute() {
        ClientAddress client = v4(0x7F000001);
        long first = ids.issue(client);
        now++;
        assertNotEquals(first, ids.issue(client));
        assertTrue(ids.isValid(first, client));
    }

    @Test
    void duringARotationAWorkerAcceptsIdsOfTheOldAndTheNewKeyButIssuesWithItsOwn() {
        ClientAddress client = v4(0x7F000001);
        byte[] next = ConnectionIds.keyFromSecret("next secret".getBytes(StandardCharsets.UTF_8));
        ConnectionIds phase1 = new ConnectionIds(key, next, 10, () -> now);   // signs old, accepts new
        ConnectionIds phase2 = new ConnectionIds(next, key, 10, () -> now);   // signs new, accepts old
        ConnectionIds phase3 = new ConnectionIds(next, 10, () -> now);        // new only

        long oldId = ids.issue(client);
        long phase1Id = phase1.issue(client);
        long phase2Id = phase2.issue(client);
        assertEquals(oldId, phase1Id, "the accepted key never issues");
        assertTrue(phase1.isValid(phase2Id, client), "a phase-1 worker accepts what a phase-2 worker issues");
        assertTrue(phase2.isValid(phase1Id, client), "a phase-2 worker accepts what a phase-1 worker issues");
        assertTrue(phase3.isValid(phase2Id, client));
        assertFalse(phase3.isValid(oldId, client), "after the rotation the old key is refused");
        assertFalse(ids.isValid(phase2Id, client), "a worker without the accepted key refuses the new one");
    }

    @Test
    void anAcceptedKeyDoesNotExtendMaxAgeNorAcceptAnotherAddress() {
        ClientAddress client = v4(0x7F000001);
        byte[] next = ConnectionIds.keyFromSecret("next secret".getBytes(StandardCharsets.UTF_8));
        ConnectionIds rotating = new ConnectionIds(next, key, 10, () -> now);
        long oldId = ids.issue(client);
        assertFalse(rotating.isValid(oldId, v4(0x7F000002)));
        now += 11;
        assertFalse(rotating.isValid(oldId, client));
    }
}
