package dev.kubetracker.worker;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the client ports listen (a later cluster issue adds: and the sync snapshot is loaded). */
@Readiness
@ApplicationScoped
public class TrackerReadiness implements HealthCheck {
    @Inject
    TrackerWorker worker;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("tracker").status(worker.isServing()).build();
    }
}
