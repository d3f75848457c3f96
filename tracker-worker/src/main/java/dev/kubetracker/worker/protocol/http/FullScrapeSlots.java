package dev.kubetracker.worker.protocol.http;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the full scrapes (and opentracker {@code tpbs} dumps) in progress across all event loops:
 * each walks the whole store, so a crowd of them must not crowd out announces. Past the bound, clients
 * are told to come back later.
 */
public final class FullScrapeSlots {
    private final int max;
    private final AtomicInteger inUse = new AtomicInteger();

    public FullScrapeSlots(int max) {
        this.max = max;
    }

    boolean tryAcquire() {
        while (true) {
            int n = inUse.get();
            if (n >= max) {
                return false;
            }
            if (inUse.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void release() {
        inUse.decrementAndGet();
    }
}
