package dev.kubetracker.worker.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import java.util.Map;

/**
 * Gives every {@code @QuarkusTest} worker a free client port (HTTP and UDP share the number), chosen
 * each time the worker starts; tests read it with {@link TestWorker#clientPort()}. Port 0 cannot do
 * this: for the tracker it disables a protocol.
 */
@WithTestResource(value = FreeClientPort.class, scope = TestResourceScope.GLOBAL)
public final class FreeClientPort implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
        String port = Integer.toString(FreePorts.tcpAndUdp());
        return Map.of("tracker.http.port", port, "tracker.udp.port", port);
    }

    @Override
    public void stop() {
        // nothing to release: the worker closes the port
    }
}
