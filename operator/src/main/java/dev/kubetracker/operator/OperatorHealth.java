package dev.kubetracker.operator;

import io.javaoperatorsdk.operator.Operator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the operator has started and every informer is healthy. */
@Readiness
@ApplicationScoped
public class OperatorHealth implements HealthCheck {

    @Inject
    OperatorRunner runner;

    @Override
    public HealthCheckResponse call() {
        Operator op = runner.operator();
        boolean up = op != null && op.getRuntimeInfo().isStarted() && op.getRuntimeInfo().allEventSourcesAreHealthy();
        return HealthCheckResponse.named("operator").status(up).build();
    }
}
