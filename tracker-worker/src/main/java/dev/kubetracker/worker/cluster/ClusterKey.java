package dev.kubetracker.worker.cluster;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster's shared secret and the MAC made with it: HMAC-SHA256 truncated to 16 bytes. Each
 * thread that signs or verifies takes its own {@link Signer} ({@code Mac} is not thread-safe).
 *
 * <p>During a key rotation a second, accepted key verifies too but never signs, so that workers on
 * either side of a rolling restart keep accepting each other (README, "Rotating the keys").
 */
public final class ClusterKey {
    public static final int MAC_BYTES = 16;
    public static final int MIN_KEY_BYTES = 16;

    private final SecretKeySpec key;
    private final SecretKeySpec accepted;

    public ClusterKey(byte[] secret) {
        this(secret, new byte[0]);
    }

    /** {@code accepted}: a key that verifies but never signs; empty for none. */
    public ClusterKey(byte[] secret, byte[] accepted) {
        if (secret.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the cluster key must have at least 16 bytes");
        }
        if (accepted.length > 0 && accepted.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the accepted cluster key must be empty or have at least 16 bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
        this.accepted = accepted.length == 0 ? null : new SecretKeySpec(accepted.clone(), "HmacSHA256");
    }

    public boolean hasAcceptedKey() {
        return accepted != null;
    }

    public Signer signer() {
        return new Signer(mac(key), accepted == null ? null : mac(accepted));
    }

    private static Mac mac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Signs (with the key) and verifies (with the key or the accepted one); one per thread. */
    public static final class Signer {
        private final Mac mac;
        private final Mac acceptedMac;
        private final byte[] full = new byte[32];

        private Signer(Mac mac, Mac acceptedMac) {
            this.mac = mac;
            this.acceptedMac = acceptedMac;
        }

        /** The MAC of {@code data[from, to)} (and of {@code prefix} before it, when given) into {@code out}. */
        public void sign(byte[] prefix, byte[] data, int from, int to, byte[] out, int outOffset) {
            compute(mac, prefix, data, from, to);
            System.arraycopy(full, 0, out, outOffset, MAC_BYTES);
        }

        /**
         * Constant-time check of {@code expected[expectedOffset, +16)} against the MAC of {@code data[from, to)}
         * under the key, then (only when that fails) under the accepted key.
         */
        public boolean verify(byte[] prefix, byte[] data, int from, int to, byte[] expected, int expectedOffset) {
            if (matches(mac, prefix, data, from, to, expected, expectedOffset)) {
                return true;
            }
            return acceptedMac != null && matches(acceptedMac, prefix, data, from, to, expected, expectedOffset);
        }

        private boolean matches(Mac m, byte[] prefix, byte[] data, int from, int to, byte[] expected, int expectedOffset) {
            compute(m, prefix, data, from, to);
            int diff = 0;
            for (int i = 0; i < MAC_BYTES; i++) {
                diff |= full[i] ^ expected[expectedOffset + i];
            }
            return diff == 0;
        }

        private void compute(Mac m, byte[] prefix, byte[] data, int from, int to) {
            try {
                if (prefix != null) {
                    m.update(prefix);
                }
                m.update(data, from, to - from);
                m.doFinal(full, 0);
            } catch (ShortBufferException e) {
                throw new IllegalStateException("the buffer holds a whole HMAC-SHA256", e);
            }
        }
    }
}
