package dev.kubetracker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time (user + system, all threads) of another process, from /proc/PID/stat; 0 when unknown. */
final class TrackerCpu {
    /** USER_HZ: the unit of /proc's tick counts, 100 on every Linux architecture we run on. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final long pid;

    TrackerCpu(long pid) {
        this.pid = pid;
    }

    double seconds() {
        if (pid <= 0) {
            return 0;
        }
        try {
            return parseStat(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** utime and stime are fields 14 and 15; the name (field 2) may hold spaces, so count from its ')'. */
    static double parseStat(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    }
}
