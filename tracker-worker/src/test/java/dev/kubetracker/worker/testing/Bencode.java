package dev.kubetracker.worker.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict bencode decoder for tests: integers become {@code Long}, strings {@code byte[]}, lists
 * {@code List}, dictionaries {@code Map<String, Object>} (keys as ISO-8859-1, so binary hashes keep
 * their bytes). It rejects trailing bytes, unsorted or duplicate keys, and leading zeros.
 */
public final class Bencode {
    private final byte[] in;
    private int at;

    private Bencode(byte[] in) {
        this.in = in;
    }

    public static Object decode(byte[] bytes) {
        Bencode d = new Bencode(bytes);
        Object value = d.value();
        if (d.at != bytes.length) {
            throw new IllegalArgumentException("trailing bytes at " + d.at);
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> dict(byte[] bytes) {
        return (Map<String, Object>) decode(bytes);
    }

    /** The dictionary under {@code key} (e.g. a scrape's {@code files}). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> dict(Map<String, Object> parent, String key) {
        return (Map<String, Object>) parent.get(key);
    }

    public static String key(byte[] raw) {
        return new String(raw, StandardCharsets.ISO_8859_1);
    }

    private Object value() {
        byte c = in[at];
        if (c == 'i') {
            at++;
            int end = indexOf('e');
            String digits = new String(in, at, end - at, StandardCharsets.US_ASCII);
            if (digits.matches("-?0\\d+") || digits.equals("-0") || !digits.matches("-?\\d+")) {
                throw new IllegalArgumentException("bad integer " + digits);
            }
            at = end + 1;
            return Long.parseLong(digits);
        }
        if (c == 'l') {
            at++;
            List<Object> list = new ArrayList<>();
            while (in[at] != 'e') {
                list.add(value());
            }
            at++;
            return list;
        }
        if (c == 'd') {
            at++;
            Map<String, Object> map = new LinkedHashMap<>();
            String previous = null;
            while (in[at] != 'e') {
                String key = key(string());
                if (previous != null && previous.compareTo(key) >= 0) {
                    throw new IllegalArgumentException("keys unsorted or repeated: " + previous + " then " + key);
                }
                previous = key;
                map.put(key, value());
            }
            at++;
            return map;
        }
        return string();
    }

    private byte[] string() {
        int colon = indexOf(':');
        int length = Integer.parseInt(new String(in, at, colon - at, StandardCharsets.US_ASCII));
        at = colon + 1;
        byte[] s = Arrays.copyOfRange(in, at, at + length);
        if (at + length > in.length) {
            throw new IllegalArgumentException("string runs past the end");
        }
        at += length;
        return s;
    }

    private int indexOf(char c) {
        for (int i = at; i < in.length; i++) {
            if (in[i] == c) {
                return i;
            }
        }
        throw new IllegalArgumentException("missing '" + c + "'");
    }
}
