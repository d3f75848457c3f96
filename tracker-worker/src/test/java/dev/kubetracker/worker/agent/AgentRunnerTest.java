package dev.kubetracker.worker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AgentRunnerTest {
    /** Throws on its first two calls, then counts its calls. */
    private static final class FailingTwice implements Agent {
        final CountDownLatch laterCalls = new CountDownLatch(3);
        final CountDownLatch closed = new CountDownLatch(1);
        int calls;

        @Override
        public int doWork() throws Exception {
            if (++calls <= 2) {
                throw new java.io.IOException("broken on call " + calls);
            }
            laterCalls.countDown();
            return 0;
        }

        @Override
        public void onClose() {
            closed.countDown();
        }

        @Override
        public String roleName() {
            return "failing-twice";
        }
    }

    @Test
    void anExceptionFromDoWorkIsCountedAndTheAgentKeepsRunning() throws Exception {
        FailingTwice agent = new FailingTwice();
        AgentRunner runner = new AgentRunner(agent, new BackoffIdleStrategy(1, 1, 1_000, 100_000)).start();
        try {
            assertTrue(agent.laterCalls.await(10, TimeUnit.SECONDS), "called again after failing");
            assertEquals(2, runner.errors());
        } finally {
            runner.close();
        }
        assertTrue(agent.closed.await(10, TimeUnit.SECONDS));
        assertFalse(runner.isAlive());
    }

    @Test
    void closingARunnerThatNeverStartedStillClosesItsAgent() {
        FailingTwice agent = new FailingTwice();
        new AgentRunner(agent, new BackoffIdleStrategy(1, 1, 1_000, 100_000)).close();
        assertEquals(0, agent.closed.getCount());
        assertEquals(0, agent.calls);
    }
}
