package dev.kubetracker.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kubetracker.operator.OperatorSettings;
import dev.kubetracker.operator.model.Tracker;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rendered rules of the workers' NetworkPolicy. */
class WorkerNetworkPolicyTest {

    private static List<String> ports(NetworkPolicyIngressRule rule) {
        return rule.getPorts().stream().map(p -> p.getPort().getIntVal() + "/" + p.getProtocol()).toList();
    }

    @Test
    void clientPortsAreOpenToAllSyncOnlyToTheTrackersPodsManagementToTheMonitoringNamespace() {
        Tracker t = TrackerResourcesTest.tracker();
        NetworkPolicy policy = WorkerNetworkPolicy.desired(t, TrackerResourcesTest.SETTINGS);
        assertEquals(TrackerResources.selectorLabels(t), policy.getSpec().getPodSelector().getMatchLabels());
        assertEquals(List.of("Ingress"), policy.getSpec().getPolicyTypes(), "egress stays open (DNS, siblings)");
        List<NetworkPolicyIngressRule> rules = policy.getSpec().getIngress();
        assertEquals(3, rules.size());

        assertEquals(List.of("6969/TCP", "6969/UDP"), ports(rules.get(0)));
        assertTrue(rules.get(0).getFrom() == null || rules.get(0).getFrom().isEmpty(), "no 'from': anyone");

        assertEquals(List.of("6970/UDP", "6970/TCP"), ports(rules.get(1)));
        assertEquals(1, rules.get(1).getFrom().size());
        assertEquals(TrackerResources.selectorLabels(t), rules.get(1).getFrom().get(0).getPodSelector().getMatchLabels());
        assertNull(rules.get(1).getFrom().get(0).getNamespaceSelector(), "the Tracker's own namespace only");

        assertEquals(List.of("9000/TCP"), ports(rules.get(2)));
        assertEquals(Map.of("kubernetes.io/metadata.name", "monitoring"),
                rules.get(2).getFrom().get(0).getNamespaceSelector().getMatchLabels());
    }

    @Test
    void theManagementPortFollowsTheTrackersPeersAndNoPeersLeavesTheRuleOut() {
        Tracker t = TrackerResourcesTest.tracker();
        var prometheus = new NetworkPolicyPeerBuilder().withNewNamespaceSelector()
                .addToMatchLabels("kubernetes.io/metadata.name", "observability").endNamespaceSelector()
                .withNewPodSelector().addToMatchLabels("app", "prometheus").endPodSelector().build();
        t.getSpec().getNetworkPolicy().setManagementFrom(List.of(prometheus));
        List<NetworkPolicyIngressRule> rules = WorkerNetworkPolicy.desired(t, TrackerResourcesTest.SETTINGS).getSpec().getIngress();
        assertEquals(List.of(prometheus), rules.get(2).getFrom());

        t.getSpec().getNetworkPolicy().setManagementFrom(List.of());
        rules = WorkerNetworkPolicy.desired(t, TrackerResourcesTest.SETTINGS).getSpec().getIngress();
        assertEquals(2, rules.size(), "an empty 'from' would open the port to everyone");
        assertTrue(rules.stream().noneMatch(r -> ports(r).contains("9000/TCP")));
    }

    @Test
    void theOperatorsOwnPodsReachTheManagementPortWhenItKnowsThem() {
        Tracker t = TrackerResourcesTest.tracker();
        t.getSpec().getNetworkPolicy().setManagementFrom(List.of());
        Map<String, String> operatorPods = Map.of("app.kubernetes.io/name", "kubetracker-operator");
        var settings = new OperatorSettings("w:1", "cluster.local", "kubetracker-system", operatorPods);
        List<NetworkPolicyIngressRule> rules = WorkerNetworkPolicy.desired(t, settings).getSpec().getIngress();
        assertEquals(3, rules.size());
        NetworkPolicyIngressRule operator = rules.get(2);
        assertEquals(List.of("9000/TCP"), ports(operator));
        assertEquals(1, operator.getFrom().size());
        assertEquals(Map.of("kubernetes.io/metadata.name", "kubetracker-system"),
                operator.getFrom().get(0).getNamespaceSelector().getMatchLabels());
        assertEquals(operatorPods, operator.getFrom().get(0).getPodSelector().getMatchLabels());
    }

    @Test
    void otherPortsAndADisabledProtocolShapeTheRules() {
        Tracker t = TrackerResourcesTest.tracker();
        t.getSpec().getHttp().setPort(80);
        t.getSpec().getUdp().setPort(1337);
        t.getSpec().getSync().setPort(7000);
        List<NetworkPolicyIngressRule> rules = WorkerNetworkPolicy.desired(t, TrackerResourcesTest.SETTINGS).getSpec().getIngress();
        assertEquals(List.of("80/TCP", "1337/UDP"), ports(rules.get(0)));
        assertEquals(List.of("7000/UDP", "7000/TCP"), ports(rules.get(1)));

        t.getSpec().getHttp().setEnabled(false);
        assertEquals(List.of("1337/UDP"), ports(WorkerNetworkPolicy.desired(t, TrackerResourcesTest.SETTINGS).getSpec().getIngress().get(0)));
    }
}
