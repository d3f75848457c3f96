package dev.kubetracker.worker.agent;

import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.jboss.logging.Logger;

/**
 * Runs one {@link Agent} on a daemon thread until closed. An exception from doWork is logged and
 * counted, and the loop goes on: one bad datagram or broken connection never stops an agent.
 */
public final class AgentRunner implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AgentRunner.class);
    private static final long CLOSE_WAIT_MILLIS = 5_000;

    private final Agent agent;
    private final IdleStrategy idle;
    private final LongAdder errors = new LongAdder();
    private final Thread thread;
    private volatile boolean running = true;
    private boolean started;

    public AgentRunner(Agent agent, IdleStrategy idle) {
        this.agent = agent;
        this.idle = idle;
        this.thread = new Thread(this::run, agent.roleName());
        thread.setDaemon(true);
    }

    /** Starts the agent's thread; returns this runner. */
    public synchronized AgentRunner start() {
        started = true;
        thread.start();
        return this;
    }

    private void run() {
        try {
            while (running) {
                int work;
                try {
                    work = agent.doWork();
                } catch (Exception | LinkageError e) {
                    errors.increment();
                    LOG.warnf(e, "%s: doWork failed", agent.roleName());
                    work = 0;
                }
                idle.idle(work);
            }
        } finally {
            try {
                agent.onClose();
            } catch (RuntimeException e) {
                LOG.warnf(e, "%s: onClose failed", agent.roleName());
            }
        }
    }

    /** Exceptions doWork threw so far. */
    public long errors() {
        return errors.sum();
    }

    public boolean isAlive() {
        return thread.isAlive();
    }

    /** Stops the loop and waits (bounded) for the agent's onClose; may be called more than once. */
    @Override
    public void close() {
        running = false;
        synchronized (this) {
            if (!started) {
                started = true; // never to start now; the agent still releases what it holds
                agent.onClose();
                return;
            }
        }
        if (Thread.currentThread() == thread || !thread.isAlive()) {
            return;
        }
        LockSupport.unpark(thread);
        try {
            thread.join(CLOSE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warnf("%s did not stop within %d ms", agent.roleName(), CLOSE_WAIT_MILLIS);
        }
    }
}
