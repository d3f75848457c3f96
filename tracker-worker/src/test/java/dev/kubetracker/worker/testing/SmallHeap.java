package dev.kubetracker.worker.testing;

import java.util.List;

/**
 * JVM options for a worker on a small heap with the container image's collector settings, so that an
 * OutOfMemoryError ends the process instead of leaving it limping. They follow (and so override)
 * {@link WorkerProcess}'s own heap and collector options.
 */
public final class SmallHeap {
    private SmallHeap() {
    }

    public static List<String> jvmOptions(int maxHeapMiB) {
        return List.of("-Xmx" + maxHeapMiB + "m", "-XX:-UseSerialGC", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=50",
                "-XX:+ExitOnOutOfMemoryError");
    }
}
