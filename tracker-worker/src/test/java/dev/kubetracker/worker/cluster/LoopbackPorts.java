package dev.kubetracker.worker.cluster;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Port numbers for test workers: a block at a random place below the ephemeral range, free for TCP and
 * UDP on every address when chosen. Fixed numbers made two runs on one machine (two worktrees, or a
 * build beside a test) talk to each other's workers.
 */
public final class LoopbackPorts {
    private static final int LOWEST = 20_000;
    private static final int ABOVE_HIGHEST = 32_000; // the ephemeral range starts at 32768 on Linux

    private LoopbackPorts() {
    }

    public static int[] freeBlock(int count) {
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(LOWEST, ABOVE_HIGHEST - count);
            if (allFree(base, count)) {
                int[] ports = new int[count];
                for (int i = 0; i < count; i++) {
                    ports[i] = base + i;
                }
                return ports;
            }
        }
        throw new IllegalStateException("no block of " + count + " free ports found in 100 attempts");
    }

    private static boolean allFree(int base, int count) {
        for (int port = base; port < base + count; port++) {
            try (ServerSocket tcp = new ServerSocket(port); DatagramSocket udp = new DatagramSocket(port)) {
                tcp.getLocalPort();
                udp.getLocalPort();
            } catch (IOException taken) {
                return false;
            }
        }
        return true;
    }
}
