package dev.kubetracker.worker.testing;

import io.quarkus.test.common.http.TestHTTPResourceManager;
import java.io.IOException;
import java.net.URI;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The ports of the worker that the running {@code @QuarkusTest} started in this JVM: both are free
 * ports chosen at its start ({@link FreeClientPort}; {@code %test.quarkus.management.test-port=0}).
 */
public final class TestWorker {
    private TestWorker() {
    }

    /** HTTP and UDP announces, scrapes, /stats. */
    public static int clientPort() {
        return ConfigProvider.getConfig().getValue("tracker.http.port", Integer.class);
    }

    /** /q/health/*, /q/metrics. */
    public static int managementPort() {
        return URI.create(TestHTTPResourceManager.getManagementUri()).getPort();
    }

    /** The Prometheus text of the management port. */
    public static String metrics() throws IOException {
        return RawHttp.get("127.0.0.1", managementPort(), "/q/metrics").expect(200).text();
    }
}
