package dev.kubetracker.worker.agent;

/** What a runner does between calls of an agent's doWork, given how much work the last call did. */
public interface IdleStrategy {
    /** Work was done: reset any backoff. Nothing was done: wait a little, longer each time. */
    void idle(int workCount);
}
