package dev.kubetracker.operator.reconciler;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Counts an access list the way the worker reads it (opentracker's format, the worker's
 * AccessListFile): after leading blanks, a 40-hex-digit info hash (either case) followed by the end
 * of the line or a character that is not a hex digit; blank lines and lines starting with {@code #}
 * are skipped; anything else is a malformed line. A UTF-8 byte order mark at the start is skipped.
 * Several texts (the keys of several ConfigMaps) count as one list, as the worker merges them.
 *
 * @param entries        distinct info hashes
 * @param malformedLines lines that are neither a hash, a comment nor blank
 * @param digest         the SHA-256 of the set as the worker computes it (InfoHashSet.digest, exported as
 *                       {@code tracker_access_list_info{digest}}): each hash's 20 bytes in ascending order
 */
public record AccessListCount(int entries, int malformedLines, String digest) {

    public static AccessListCount of(String text) {
        return of(List.of(text));
    }

    public static AccessListCount of(List<String> texts) {
        Set<String> hashes = new HashSet<>();
        int malformed = 0;
        for (String text : texts) {
            malformed += addTo(hashes, text);
        }
        return new AccessListCount(hashes.size(), malformed, digest(hashes));
    }

    /** Lower-case hex sorts as the bytes it stands for, unsigned: the worker's order. */
    private static String digest(Set<String> hashes) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        HexFormat hex = HexFormat.of();
        hashes.stream().sorted().forEach(h -> sha256.update(hex.parseHex(h)));
        return hex.formatHex(sha256.digest());
    }

    /** Adds the text's hashes; returns its malformed lines. */
    private static int addTo(Set<String> hashes, String text) {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        int malformed = 0;
        for (String line : text.split("\n", -1)) {
            int start = 0;
            while (start < line.length() && (line.charAt(start) == ' ' || line.charAt(start) == '\t'
                    || line.charAt(start) == '\r')) {
                start++;
            }
            String rest = line.substring(start);
            if (rest.isEmpty() || rest.startsWith("#") || rest.isBlank()) {
                continue;
            }
            if (isHash(rest)) {
                hashes.add(rest.substring(0, 40).toLowerCase(Locale.ROOT));
            } else {
                malformed++;
            }
        }
        return malformed;
    }

    private static boolean isHash(String s) {
        if (s.length() < 40) {
            return false;
        }
        for (int i = 0; i < 40; i++) {
            if (!isHex(s.charAt(i))) {
                return false;
            }
        }
        return s.length() == 40 || !isHex(s.charAt(40));
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
