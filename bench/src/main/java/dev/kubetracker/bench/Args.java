package dev.kubetracker.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Command-line options: {@code --name value} pairs, or {@code --name} alone for a flag. Each getter names
 * its default; {@link #checkAllUsed()} rejects options no getter asked for (typos).
 */
public final class Args {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> used = new TreeSet<>();

    public Args(String... args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() == 2) {
                throw new IllegalArgumentException("expected --option, got: " + a);
            }
            String name = a.substring(2);
            int eq = name.indexOf('=');
            if (eq > 0) {
                values.put(name.substring(0, eq), name.substring(eq + 1));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                values.put(name, args[++i]);
            } else {
                values.put(name, "true");
            }
        }
    }

    public String string(String name, String defaultValue) {
        used.add(name);
        return values.getOrDefault(name, defaultValue);
    }

    public int integer(String name, int defaultValue) {
        long v = longValue(name, defaultValue);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--" + name + " out of range: " + v);
        }
        return (int) v;
    }

    /** A count; accepts 1000000, 1_000_000, 1000k and 1m. */
    public long longValue(String name, long defaultValue) {
        String v = string(name, null);
        if (v == null) {
            return defaultValue;
        }
        String s = v.replace("_", "").toLowerCase();
        long factor = 1;
        if (s.endsWith("k")) {
            factor = 1_000;
        } else if (s.endsWith("m")) {
            factor = 1_000_000;
        }
        if (factor > 1) {
            s = s.substring(0, s.length() - 1);
        }
        try {
            return Math.multiplyExact(Long.parseLong(s), factor);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("--" + name + " is not a whole number: " + v);
        }
    }

    public double decimal(String name, double defaultValue) {
        String v = string(name, null);
        try {
            return v == null ? defaultValue : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " is not a number: " + v);
        }
    }

    /** A duration: {@code 10s}, {@code 500ms}, {@code 2m}, or a plain number of seconds. */
    public Duration duration(String name, Duration defaultValue) {
        String v = string(name, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
            }
            if (v.endsWith("m")) {
                return Duration.ofSeconds(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 60));
            }
            return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " is not a duration: " + v);
        }
    }

    public boolean flag(String name) {
        String v = string(name, "false");
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException("--" + name + " takes no value or true/false: " + v);
        }
        return v.equals("true");
    }

    public void checkAllUsed() {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(used);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s): --" + String.join(", --", unknown));
        }
    }
}
