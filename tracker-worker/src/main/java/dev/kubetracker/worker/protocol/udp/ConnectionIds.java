package dev.kubetracker.worker.protocol.udp;

import dev.kubetracker.worker.net.ClientAddress;
import dev.kubetracker.worker.swarm.MinuteClock;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Stateless BEP 15 connection ids. An id is the minute it was issued (low 16 bits) followed by 48 bits
 * of SipHash-2-4 over the client's address and that minute. Any worker holding the same key accepts
 * it, so a load balancer may send {@code connect} and {@code announce} to different workers; nothing is
 * stored per client.
 *
 * <p>During a key rotation an accepted key validates ids too but never issues them, so that ids issued
 * by workers on either side of a rolling restart stay valid (README, "Rotating the keys").
 */
public final class ConnectionIds {
    /** An id from one minute ahead is accepted too, for small clock skew between workers. */
    private static final int FUTURE_SKEW_MINUTES = 1;
    private static final long MAC_MASK = 0xFFFF_FFFF_FFFFL;

    private final SipHash mac;
    private final SipHash acceptedMac;
    private final int maxAgeMinutes;
    private final MinuteClock clock;

    public ConnectionIds(byte[] key16, int maxAgeMinutes, MinuteClock clock) {
        this(key16, null, maxAgeMinutes, clock);
    }

    /** {@code acceptedKey16}: a key whose ids are valid too but never issued; null for none. */
    public ConnectionIds(byte[] key16, byte[] acceptedKey16, int maxAgeMinutes, MinuteClock clock) {
        if (maxAgeMinutes < 1 || maxAgeMinutes > 30_000) {
            throw new IllegalArgumentException("connection-id max age must be 1 to 30000 minutes");
        }
        this.mac = sipHash(key16);
        this.acceptedMac = acceptedKey16 == null ? null : sipHash(acceptedKey16);
        this.maxAgeMinutes = maxAgeMinutes;
        this.clock = clock;
    }

    private static SipHash sipHash(byte[] key16) {
        if (key16.length != 16) {
            throw new IllegalArgumentException("connection-id key must be 16 bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(key16).order(ByteOrder.LITTLE_ENDIAN);
        return new SipHash(b.getLong(0), b.getLong(8));
    }

    /** A fresh random key, for a worker that has no key file (ids then work with this worker only). */
    public static byte[] randomKey() {
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(key);
        return key;
    }

    /** The key derived from a key file's content, whatever its format: SHA-256, first 16 bytes. */
    public static byte[] keyFromSecret(byte[] secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret);
            byte[] key = new byte[16];
            System.arraycopy(digest, 0, key, 0, 16);
            return key;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    public long issue(ClientAddress client) {
        int minute = clock.nowMinute();
        return (long) (minute & 0xFFFF) << 48 | macOf(mac, client, minute);
    }

    public boolean isValid(long connectionId, ClientAddress client) {
        int now = clock.nowMinute();
        int issued16 = (int) (connectionId >>> 48);
        int age = (short) ((now - issued16) & 0xFFFF); // signed: negative means issued in the future
        if (age < -FUTURE_SKEW_MINUTES || age > maxAgeMinutes) {
            return false;
        }
        long given = connectionId & MAC_MASK;
        return given == macOf(mac, client, now - age)
                || acceptedMac != null && given == macOf(acceptedMac, client, now - age);
    }

    private static long macOf(SipHash mac, ClientAddress client, int minute) {
        long high = client.family == 6 ? client.v6High : 0;
        long low = client.family == 6 ? client.v6Low : (0xFFFFL << 32 | (client.v4 & 0xFFFF_FFFFL));
        return mac.hash(high, low, minute) & MAC_MASK;
    }
}
