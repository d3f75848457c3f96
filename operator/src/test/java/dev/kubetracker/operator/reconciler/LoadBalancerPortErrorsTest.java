package dev.kubetracker.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kubetracker.operator.model.Tracker;
import dev.kubetracker.operator.model.TrackerStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.PortStatusBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceStatusBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Port errors the load balancers report on the client Service(s) become the LoadBalancerPortError condition. */
class LoadBalancerPortErrorsTest {

    private static Service withIngress(Service service, String ip, String udpError) {
        service.setStatus(new ServiceStatusBuilder().withNewLoadBalancer().withIngress(new LoadBalancerIngressBuilder()
                .withIp(ip)
                .withPorts(new PortStatusBuilder().withPort(6969).withProtocol("TCP").build(),
                        new PortStatusBuilder().withPort(6969).withProtocol("UDP").withError(udpError).build())
                .build()).endLoadBalancer().build());
        return service;
    }

    private static Condition condition(TrackerStatus status) {
        return status.getConditions().stream().filter(c -> c.getType().equals(LoadBalancerPortErrors.TYPE))
                .findFirst().orElseThrow();
    }

    @Test
    void aPortErrorOfAnyClientServiceIsReportedWithServiceAddressAndPort() {
        Tracker t = TrackerResourcesTest.tracker();
        Service mixed = withIngress(TrackerResources.clientService(t), "203.0.113.7", "MixedProtocolNotSupported");
        assertEquals(List.of("t 203.0.113.7 6969/UDP: MixedProtocolNotSupported"), LoadBalancerPortErrors.of(List.of(mixed)));

        TrackerStatus status = TrackerReconciler.status(t, Optional.empty(), List.of(mixed), List.of(),
                Instant.EPOCH);
        assertEquals("True", condition(status).getStatus());
        assertEquals("PortError", condition(status).getReason());
        assertEquals("t 203.0.113.7 6969/UDP: MixedProtocolNotSupported", condition(status).getMessage());
    }

    @Test
    void noErrorNoAddressOrNoServiceIsFalse() {
        Tracker t = TrackerResourcesTest.tracker();
        Service fine = withIngress(TrackerResources.clientService(t), "203.0.113.7", null);
        Service pending = TrackerResources.clientService(t);
        assertEquals(List.of(), LoadBalancerPortErrors.of(List.of(fine, pending)));
        TrackerStatus status = TrackerReconciler.status(t, Optional.empty(), List.of(), List.of(), Instant.EPOCH);
        assertEquals("False", condition(status).getStatus());
        assertEquals("NoPortError", condition(status).getReason());
    }
}
