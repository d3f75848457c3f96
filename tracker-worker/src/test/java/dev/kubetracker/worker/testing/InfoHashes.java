package dev.kubetracker.worker.testing;

import java.util.HexFormat;
import java.util.Random;

/** 20-byte info hashes for tests: random but repeatable from a seed, or spelt out in hex. */
public final class InfoHashes {
    private InfoHashes() {
    }

    /** The same 20 bytes for the same seed; different seeds give different torrents. */
    public static byte[] random(long seed) {
        byte[] hash = new byte[20];
        new Random(seed).nextBytes(hash);
        return hash;
    }

    /** A hash spelt as 40 hex digits, as in an access-list file. */
    public static byte[] fromHex(String hex) {
        if (hex.length() != 40) {
            throw new IllegalArgumentException("an info hash is 40 hex digits: " + hex);
        }
        return HexFormat.of().parseHex(hex);
    }

    /** Lower-case hex, as {@link #fromHex} reads it. */
    public static String hex(byte[] hash) {
        return HexFormat.of().formatHex(hash);
    }
}
