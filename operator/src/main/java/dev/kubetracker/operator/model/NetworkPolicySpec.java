package dev.kubetracker.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.util.List;

/** The workers' NetworkPolicy: client ports open to all, sync only between the workers, management from a few. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NetworkPolicySpec {

    /** Where the management port is reachable from when {@code managementFrom} is unset. */
    public static final String DEFAULT_MONITORING_NAMESPACE = "monitoring";

    @Default("true")
    @JsonPropertyDescription("Create a NetworkPolicy for the worker pods (needs a network plugin that enforces it).")
    private Boolean enabled = true;

    @Size(max = 16)
    @JsonPropertyDescription("Who may reach the management port 9000 (metrics, health); unset: pods of the namespace named 'monitoring'; [] : nobody but the kubelet's probes.")
    private List<NetworkPolicyPeer> managementFrom;

    public Boolean getEnabled() { return enabled; }
    public void setEnabled(Boolean enabled) { this.enabled = enabled; }
    public List<NetworkPolicyPeer> getManagementFrom() { return managementFrom; }
    public void setManagementFrom(List<NetworkPolicyPeer> managementFrom) { this.managementFrom = managementFrom; }
}
