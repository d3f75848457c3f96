package dev.kubetracker.worker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BackoffIdleStrategyTest {
    @Test
    void parksLongerEachIdleCallUpToTheCapAndStartsOverAfterWork() {
        BackoffIdleStrategy idle = new BackoffIdleStrategy(2, 1, 1_000, 4_000);
        idle.idle(0); // spin
        idle.idle(0); // spin
        idle.idle(0); // yield
        assertEquals(1_000, idle.nextParkNanos());
        idle.idle(0);
        assertEquals(2_000, idle.nextParkNanos());
        idle.idle(0);
        idle.idle(0);
        idle.idle(0);
        assertEquals(4_000, idle.nextParkNanos(), "capped");
        idle.idle(3);
        assertEquals(1_000, idle.nextParkNanos());
    }
}
