package dev.kubetracker.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the operator observed; written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(value = ConditionsSchema.class, input = "")
public class TrackerStatus {

    @JsonPropertyDescription("The generation of the spec this status describes; Ready and Progressing say how far the workers have come towards it.")
    private Long observedGeneration;

    @StatusReplicas
    @JsonPropertyDescription("Worker pods that exist.")
    private Integer replicas;

    @JsonPropertyDescription("Worker pods that are ready.")
    private Integer readyReplicas;

    @LabelSelector
    @JsonPropertyDescription("Label selector of the worker pods (for the scale subresource and HPAs).")
    private String labelSelector;

    @JsonPropertyDescription("Announce URLs (http, udp) once the client Service has an address.")
    private List<String> announceUrls = new ArrayList<>();

    @JsonPropertyDescription("What the operator found in the access-list ConfigMap.")
    private AccessListStatus accessList;

    @JsonPropertyDescription("Ready (every worker runs the current spec and is ready), Progressing (a rollout or scale is under way) and Degraded, the Kubernetes way.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class AccessListStatus {
        @JsonPropertyDescription("off, blacklist or whitelist.")
        private String mode;
        @JsonPropertyDescription("The ConfigMap read (the first, when there are several).")
        private String configMapName;
        @JsonPropertyDescription("Every ConfigMap read, when the list spans several.")
        private List<String> configMaps;
        @JsonPropertyDescription("Info hashes found in the list.")
        private Integer entries;
        @JsonPropertyDescription("Lines that are neither a hash, a comment nor blank (the workers skip them).")
        private Integer malformedLines;
        @JsonPropertyDescription("SHA-256 of the list's sorted hashes; a worker enforcing this list exports the same"
                + " digest as tracker_access_list_info{digest}.")
        private String digest;
        @JsonPropertyDescription("Ready workers whose /q/metrics reported the digest of the list they loaded.")
        private Integer workersReporting;
        @JsonPropertyDescription("Ready workers whose loaded list has this status's digest, i.e. enforce the"
                + " ConfigMaps' list as it is now.")
        private Integer workersOnNewest;

        public AccessListStatus() {
        }

        public AccessListStatus(String mode, String configMapName, Integer entries, Integer malformedLines) {
            this.mode = mode;
            this.configMapName = configMapName;
            this.entries = entries;
            this.malformedLines = malformedLines;
        }

        public String getMode() { return mode; }
        public void setMode(String mode) { this.mode = mode; }
        public String getConfigMapName() { return configMapName; }
        public void setConfigMapName(String configMapName) { this.configMapName = configMapName; }
        public List<String> getConfigMaps() { return configMaps; }
        public void setConfigMaps(List<String> configMaps) { this.configMaps = configMaps; }
        public Integer getEntries() { return entries; }
        public void setEntries(Integer entries) { this.entries = entries; }
        public String getDigest() { return digest; }
        public void setDigest(String digest) { this.digest = digest; }
        public Integer getMalformedLines() { return malformedLines; }
        public Integer getWorkersReporting() { return workersReporting; }
        public void setWorkersReporting(Integer workersReporting) { this.workersReporting = workersReporting; }
        public Integer getWorkersOnNewest() { return workersOnNewest; }
        public void setWorkersOnNewest(Integer workersOnNewest) { this.workersOnNewest = workersOnNewest; }
        public void setMalformedLines(Integer malformedLines) { this.malformedLines = malformedLines; }

        @Override
        public boolean equals(Object o) {
            return o instanceof AccessListStatus a && Objects.equals(mode, a.mode)
                    && Objects.equals(configMapName, a.configMapName) && Objects.equals(configMaps, a.configMaps)
                    && Objects.equals(entries, a.entries)
                    && Objects.equals(malformedLines, a.malformedLines) && Objects.equals(digest, a.digest)
                    && Objects.equals(workersReporting, a.workersReporting)
                    && Objects.equals(workersOnNewest, a.workersOnNewest);
        }

        @Override
        public int hashCode() {
            return Objects.hash(mode, configMapName, configMaps, entries, malformedLines, digest, workersReporting,
                    workersOnNewest);
        }
    }

    public Long getObservedGeneration() { return observedGeneration; }
    public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
    public Integer getReplicas() { return replicas; }
    public void setReplicas(Integer replicas) { this.replicas = replicas; }
    public Integer getReadyReplicas() { return readyReplicas; }
    public void setReadyReplicas(Integer readyReplicas) { this.readyReplicas = readyReplicas; }
    public String getLabelSelector() { return labelSelector; }
    public void setLabelSelector(String labelSelector) { this.labelSelector = labelSelector; }
    public List<String> getAnnounceUrls() { return announceUrls; }
    public void setAnnounceUrls(List<String> announceUrls) { this.announceUrls = announceUrls; }
    public AccessListStatus getAccessList() { return accessList; }
    public void setAccessList(AccessListStatus accessList) { this.accessList = accessList; }
    public List<Condition> getConditions() { return conditions; }
    public void setConditions(List<Condition> conditions) { this.conditions = conditions; }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrackerStatus s && Objects.equals(observedGeneration, s.observedGeneration)
                && Objects.equals(replicas, s.replicas) && Objects.equals(readyReplicas, s.readyReplicas)
                && Objects.equals(labelSelector, s.labelSelector) && Objects.equals(announceUrls, s.announceUrls)
                && Objects.equals(accessList, s.accessList) && Objects.equals(conditions, s.conditions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(observedGeneration, replicas, readyReplicas, labelSelector, announceUrls, accessList, conditions);
    }
}
