package dev.kubetracker.worker.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;

/**
 * Waits for something a background thread makes true (a reload, a counter, a port), polling until a
 * deadline. The deadline only bounds a failing test; a passing one waits for the signal, never for
 * a guessed time.
 */
public final class Await {
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Await() {
    }

    /** Polls every 10 ms; fails with "{@code what} not within {@code timeout}"; returns the time it took. */
    public static Duration until(String what, Duration timeout, Condition condition) throws Exception {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() - deadline > 0) {
                fail(what + " not within " + timeout.toMillis() + " ms");
            }
            Thread.sleep(10);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
