package dev.kubetracker.operator.reconciler;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.PortStatus;
import io.fabric8.kubernetes.api.model.Service;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the load balancers report they could not do: {@code status.loadBalancer.ingress[].ports[].error}
 * of the client Service(s), e.g. a cloud that refuses UDP beside TCP on one Service. A condition of its
 * own, {@value #TYPE}, True while any port has an error (as Degraded, the abnormal state is True).
 */
final class LoadBalancerPortErrors {

    static final String TYPE = "LoadBalancerPortError";

    private LoadBalancerPortErrors() {
    }

    /** One line per port in error: {@code <service> <address> <port>/<protocol>: <error>}. */
    static List<String> of(List<Service> clientServices) {
        List<String> errors = new ArrayList<>();
        for (Service service : clientServices) {
            if (service.getStatus() == null || service.getStatus().getLoadBalancer() == null
                    || service.getStatus().getLoadBalancer().getIngress() == null) {
                continue;
            }
            for (LoadBalancerIngress ingress : service.getStatus().getLoadBalancer().getIngress()) {
                String address = ingress.getHostname() != null ? ingress.getHostname() : ingress.getIp();
                for (PortStatus port : ingress.getPorts() == null ? List.<PortStatus>of() : ingress.getPorts()) {
                    if (port.getError() != null && !port.getError().isEmpty()) {
                        errors.add(service.getMetadata().getName() + " " + address + " " + port.getPort() + "/"
                                + port.getProtocol() + ": " + port.getError());
                    }
                }
            }
        }
        return errors;
    }

    /** Sets the condition from the client Services, keeping its transition time while it holds. */
    static void setCondition(List<Condition> conditions, List<Condition> previous, List<Service> clientServices,
            Long generation, Instant now) {
        List<String> errors = of(clientServices);
        if (errors.isEmpty()) {
            Conditions.set(conditions, previous, TYPE, false, "NoPortError",
                    "no load balancer reports a port error", generation, now);
        } else {
            Conditions.set(conditions, previous, TYPE, true, "PortError", String.join("; ", errors), generation, now);
        }
    }
}
