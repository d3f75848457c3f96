package dev.kubetracker.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.kubetracker.operator.model.Tracker;
import dev.kubetracker.operator.model.TrackerSpec;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceStatusBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The client Services: one mixed-protocol Service, or in Split mode one for TCP and one for UDP. */
class ClientServicesTest {

    private static List<String> ports(Service s) {
        return s.getSpec().getPorts().stream().map(p -> p.getPort() + "/" + p.getProtocol()).toList();
    }

    private static Service withAddress(Service s, String ip) {
        s.setStatus(new ServiceStatusBuilder().withNewLoadBalancer()
                .withIngress(new LoadBalancerIngressBuilder().withIp(ip).build()).endLoadBalancer().build());
        return s;
    }

    @Test
    void mixedModeIsOneServiceWithTcpAndUdp() {
        Tracker t = TrackerResourcesTest.tracker();
        assertEquals(TrackerSpec.ServiceMode.Mixed, t.getSpec().getService().getMode());
        assertEquals(List.of("6969/TCP", "6969/UDP"), ports(TrackerResources.clientService(t)));
        assertEquals(List.of("http://203.0.113.7:6969/announce", "udp://203.0.113.7:6969/announce"),
                TrackerReconciler.announceUrls(t.getSpec(), List.of(withAddress(TrackerResources.clientService(t),
                        "203.0.113.7"))));
    }

    @Test
    void splitModeIsTwoServicesOnTheSamePortThatAskForTheSameAddress() {
        Tracker t = TrackerResourcesTest.tracker();
        TrackerSpec.ServiceSpec svc = t.getSpec().getService();
        svc.setMode(TrackerSpec.ServiceMode.Split);
        svc.setLoadBalancerIP("192.0.2.10");
        svc.setAnnotations(Map.of("metallb.universe.tf/allow-shared-ip", "tracker"));

        Service tcp = TrackerResources.clientService(t);
        Service udp = TrackerResources.udpClientService(t);
        assertEquals("t", tcp.getMetadata().getName());
        assertEquals("t-udp", udp.getMetadata().getName());
        assertEquals(List.of("6969/TCP"), ports(tcp));
        assertEquals(List.of("6969/UDP"), ports(udp));
        assertEquals(List.of("udp"), udp.getSpec().getPorts().stream().map(p -> p.getTargetPort().getStrVal()).toList());
        for (Service s : List.of(tcp, udp)) {
            assertEquals("192.0.2.10", s.getSpec().getLoadBalancerIP());
            assertEquals("tracker", s.getMetadata().getAnnotations().get("metallb.universe.tf/allow-shared-ip"));
            assertEquals("Local", s.getSpec().getExternalTrafficPolicy());
            assertEquals(TrackerResources.selectorLabels(t), s.getSpec().getSelector());
        }
    }

    @Test
    void splitModeAnnouncesHttpAtTheTcpServiceAndUdpAtTheUdpService() {
        Tracker t = TrackerResourcesTest.tracker();
        t.getSpec().getService().setMode(TrackerSpec.ServiceMode.Split);
        List<Service> clients = List.of(withAddress(TrackerResources.clientService(t), "198.51.100.1"),
                withAddress(TrackerResources.udpClientService(t), "198.51.100.2"));
        assertEquals(List.of("http://198.51.100.1:6969/announce", "udp://198.51.100.2:6969/announce"),
                TrackerReconciler.announceUrls(t.getSpec(), clients));
    }

    @Test
    void loadBalancerIpIsOnlyForLoadBalancers() {
        Tracker t = TrackerResourcesTest.tracker();
        t.getSpec().getService().setLoadBalancerIP("192.0.2.10");
        t.getSpec().getService().setType(TrackerSpec.ServiceType.NodePort);
        assertNull(TrackerResources.clientService(t).getSpec().getLoadBalancerIP());
        ServicePort http = TrackerResources.clientService(t).getSpec().getPorts().get(0);
        assertEquals("http", http.getTargetPort().getStrVal());
    }
}
