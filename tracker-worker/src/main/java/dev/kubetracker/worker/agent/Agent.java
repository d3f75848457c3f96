package dev.kubetracker.worker.agent;

/**
 * A unit of background work that an {@link AgentRunner} calls in a loop on its own thread, or a test
 * calls directly: no thread of its own, no blocking.
 */
public interface Agent {
    /** Does what there is to do now, without blocking; returns how much was done (0 = idle). */
    int doWork() throws Exception;

    /** Releases what the agent holds; called once, on the runner's thread, after the last doWork. */
    default void onClose() {
    }

    /** The thread name and the name in logs. */
    String roleName();
}
