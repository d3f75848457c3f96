package dev.kubetracker.worker.cluster;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster's shared secret and the MAC made with it: HMAC-SHA256 truncated to 16 bytes. Each
 * thread that signs or verifies takes its own {@link Signer} ({@code Mac} is not thread-safe).
 */
public final class ClusterKey {
    public static final int MAC_BYTES = 16;

    private final SecretKeySpec key;

    public ClusterKey(byte[] secret) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("the cluster key must have at least 16 bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    }

    public Signer signer() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return new Signer(mac);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Signs and verifies; one per thread. */
    public static final class Signer {
        private final Mac mac;
        private final byte[] full = new byte[32];

        private Signer(Mac mac) {
            this.mac = mac;
        }

        /** The MAC of {@code data[from, to)} (and of {@code prefix} before it, when given) into {@code out}. */
        public void sign(byte[] prefix, byte[] data, int from, int to, byte[] out, int outOffset) {
            compute(prefix, data, from, to);
            System.arraycopy(full, 0, out, outOffset, MAC_BYTES);
        }

        /** Constant-time check of {@code expected[expectedOffset, +16)} against the MAC of {@code data[from, to)}. */
        public boolean verify(byte[] prefix, byte[] data, int from, int to, byte[] expected, int expectedOffset) {
            compute(prefix, data, from, to);
            int diff = 0;
            for (int i = 0; i < MAC_BYTES; i++) {
                diff |= full[i] ^ expected[expectedOffset + i];
            }
            return diff == 0;
        }

        private void compute(byte[] prefix, byte[] data, int from, int to) {
            try {
                if (prefix != null) {
                    mac.update(prefix);
                }
                mac.update(data, from, to - from);
                mac.doFinal(full, 0);
            } catch (ShortBufferException e) {
                throw new IllegalStateException("the buffer holds a whole HMAC-SHA256", e);
            }
        }
    }
}
