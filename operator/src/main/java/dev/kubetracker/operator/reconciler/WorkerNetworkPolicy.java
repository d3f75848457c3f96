package dev.kubetracker.operator.reconciler;

import dev.kubetracker.operator.OperatorSettings;
import dev.kubetracker.operator.model.NetworkPolicySpec;
import dev.kubetracker.operator.model.Tracker;
import dev.kubetracker.operator.model.TrackerSpec;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * The worker pods' NetworkPolicy, a pure function of the Tracker: the client ports (TCP and UDP) open
 * to everyone, the sync port (UDP changes, TCP snapshots) only from the Tracker's own pods, the
 * management port only from {@code networkPolicy.managementFrom} and the operator's own pods (which
 * read the workers' loaded access lists there). Egress stays open (DNS, siblings).
 */
public final class WorkerNetworkPolicy {

    private WorkerNetworkPolicy() {
    }

    public static NetworkPolicy desired(Tracker t, OperatorSettings settings) {
        TrackerSpec spec = t.getSpec();
        List<NetworkPolicyIngressRule> rules = new ArrayList<>();

        List<NetworkPolicyPort> client = new ArrayList<>();
        if (spec.getHttp().getEnabled()) {
            client.add(port("TCP", spec.getHttp().getPort()));
        }
        if (spec.getUdp().getEnabled()) {
            client.add(port("UDP", spec.getUdp().getPort()));
        }
        rules.add(new NetworkPolicyIngressRuleBuilder().withPorts(client).build()); // no "from": anyone

        int sync = spec.getSync().getPort();
        rules.add(new NetworkPolicyIngressRuleBuilder()
                .withFrom(new NetworkPolicyPeerBuilder().withNewPodSelector()
                        .withMatchLabels(TrackerResources.selectorLabels(t)).endPodSelector().build())
                .withPorts(port("UDP", sync), port("TCP", sync))
                .build());

        List<NetworkPolicyPeer> management = managementPeers(spec.getNetworkPolicy());
        // An empty "from" would mean everyone: with no peers the rule is left out altogether.
        if (!management.isEmpty()) {
            rules.add(new NetworkPolicyIngressRuleBuilder().withFrom(management)
                    .withPorts(port("TCP", TrackerResources.MANAGEMENT_PORT)).build());
        }
        if (settings.knowsItsPods()) {
            rules.add(new NetworkPolicyIngressRuleBuilder()
                    .withFrom(new NetworkPolicyPeerBuilder()
                            .withNewNamespaceSelector()
                            .addToMatchLabels("kubernetes.io/metadata.name", settings.operatorNamespace())
                            .endNamespaceSelector()
                            .withNewPodSelector().withMatchLabels(settings.operatorPodLabels()).endPodSelector()
                            .build())
                    .withPorts(port("TCP", TrackerResources.MANAGEMENT_PORT)).build());
        }

        return new NetworkPolicyBuilder()
                .withMetadata(TrackerResources.meta(t, TrackerResources.networkPolicyName(t), "workers"))
                .withNewSpec()
                .withNewPodSelector().withMatchLabels(TrackerResources.selectorLabels(t)).endPodSelector()
                .withPolicyTypes("Ingress")
                .withIngress(rules)
                .endSpec().build();
    }

    /** The Tracker's peers, or when unset the namespace named monitoring. */
    static List<NetworkPolicyPeer> managementPeers(NetworkPolicySpec policy) {
        if (policy.getManagementFrom() == null) {
            return List.of(new NetworkPolicyPeerBuilder().withNewNamespaceSelector()
                    .addToMatchLabels("kubernetes.io/metadata.name", NetworkPolicySpec.DEFAULT_MONITORING_NAMESPACE)
                    .endNamespaceSelector().build());
        }
        return policy.getManagementFrom();
    }

    private static NetworkPolicyPort port(String protocol, int port) {
        return new NetworkPolicyPortBuilder().withProtocol(protocol).withPort(new IntOrString(port)).build();
    }
}
