package dev.kubetracker.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the user asks for. Every field has a default (in the schema and here), so an empty spec is a
 * working tracker. Rules that span fields are CEL rules in the schema, checked by the API server.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.http.enabled || self.udp.enabled",
        message = "at least one of http and udp must be enabled", reason = "FieldValueInvalid")
@ValidationRule(value = "self.sync.port != self.http.port && self.sync.port != self.udp.port",
        message = "sync.port must differ from http.port and udp.port (the sync port carries UDP and TCP)",
        fieldPath = ".sync.port", reason = "FieldValueInvalid")
@ValidationRule(value = "self.service.mode != 'Split' || (self.http.enabled && self.udp.enabled)",
        message = "service.mode Split needs both http and udp (with one protocol, Mixed is a one-protocol Service)",
        fieldPath = ".service.mode", reason = "FieldValueInvalid")
@ValidationRule(value = "duration(self.peerTimeout) > duration(self.announce.interval)",
        message = "peerTimeout must be longer than announce.interval, or peers expire between announces",
        fieldPath = ".peerTimeout", reason = "FieldValueInvalid")
public class TrackerSpec {

    /** The management port of the worker (health, metrics); client and sync ports must differ. */
    public static final int MANAGEMENT_PORT = 9000;

    @SpecReplicas
    @Default("2")
    @Min(0)
    @Max(100)
    @JsonPropertyDescription("Number of worker pods; they sync their peers and share one load balancer.")
    private Integer replicas = 2;

    @Pattern("^\\S+$")
    @JsonPropertyDescription("Worker image; the operator's default (its version) when empty.")
    private String image;

    @JsonPropertyDescription("Pull policy of the worker image.")
    private PullPolicy imagePullPolicy;

    @JsonPropertyDescription("CPU and memory of each worker; unset: requests 250m CPU and 512Mi, limit 1Gi memory (the JVM heap is 70% of the limit).")
    private ResourceRequirements resources;

    @Default("{}")
    @JsonPropertyDescription("The HTTP tracker (TCP).")
    private Endpoint http = new Endpoint();

    @Default("{}")
    @JsonPropertyDescription("The UDP tracker (BEP 15), on the same port number as HTTP by default.")
    private Endpoint udp = new Endpoint();

    @Default("{}")
    @JsonPropertyDescription("The client Service that carries HTTP and UDP.")
    private ServiceSpec service = new ServiceSpec();

    @Default("{}")
    @JsonPropertyDescription("Announce intervals and reply sizes.")
    private Announce announce = new Announce();

    @Default("45m")
    @Pattern(Announce.DURATION)
    @ValidationRule(value = "duration(self) >= duration('1m') && duration(self) <= duration('4h')",
            message = "peerTimeout must be between 1m and 4h")
    @JsonPropertyDescription("A peer silent this long is dropped (1m to 4h), e.g. 45m.")
    private String peerTimeout = "45m";

    @Default("{}")
    @JsonPropertyDescription("Black- or whitelist of info hashes, read from a ConfigMap that the workers reload live.")
    private AccessList accessList = new AccessList();

    @Default("{}")
    @JsonPropertyDescription("Random peers mixed into replies (plausible deniability); off by default.")
    private Deniability deniability = new Deniability();

    @Size(max = 32)
    @JsonPropertyDescription("CIDRs whose X-Forwarded-For header is believed (e.g. an HTTP proxy in front of the tracker).")
    private List<@Pattern("^[0-9a-fA-F:.]+/[0-9]{1,3}$") String> trustedProxies = new ArrayList<>();

    @Default("{}")
    @JsonPropertyDescription("Peer sync between the workers.")
    private Sync sync = new Sync();

    @Default("{}")
    @JsonPropertyDescription("Prometheus scraping of the workers' management port.")
    private Metrics metrics = new Metrics();

    @Default("15s")
    @Pattern(Announce.DURATION)
    @ValidationRule(value = "duration(self) <= duration('10m')", message = "drain must be at most 10m")
    @JsonPropertyDescription("On termination a worker reports not ready and keeps serving this long while the load balancer stops sending, then closes (terminationGracePeriodSeconds is this plus 15 s), e.g. 15s; 0s for none.")
    private String drain = "15s";

    @Size(max = 8)
    @JsonPropertyDescription("How the worker pods spread; unset: across nodes (kubernetes.io/hostname) and zones (topology.kubernetes.io/zone), maxSkew 1, ScheduleAnyway; [] for no spreading.")
    private List<TopologySpreadConstraint> topologySpreadConstraints;

    @Default("{}")
    @JsonPropertyDescription("A NetworkPolicy for the worker pods; on by default.")
    private NetworkPolicySpec networkPolicy = new NetworkPolicySpec();

    @JsonPropertyDescription("Node labels the worker pods must match.")
    private Map<String, String> nodeSelector;

    @JsonPropertyDescription("Tolerations of the worker pods.")
    private List<Toleration> tolerations;

    @JsonPropertyDescription("Affinity of the worker pods.")
    private Affinity affinity;

    @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
    @JsonPropertyDescription("PriorityClass of the worker pods.")
    private String priorityClassName;

    @JsonPropertyDescription("Secrets for pulling the worker image from a private registry.")
    private List<LocalObjectReference> imagePullSecrets;

    public enum PullPolicy {
        Always, IfNotPresent, Never
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Endpoint {
        @Default("true")
        @JsonPropertyDescription("Serve this protocol.")
        private Boolean enabled = true;

        @Default("6969")
        @Min(1)
        @Max(65535)
        @ValidationRule(value = "self != 9000", message = "port 9000 is the workers' management port")
        @JsonPropertyDescription("Port of the pods and of the client Service.")
        private Integer port = 6969;

        public Boolean getEnabled() { return enabled; }
        public void setEnabled(Boolean enabled) { this.enabled = enabled; }
        public Integer getPort() { return port; }
        public void setPort(Integer port) { this.port = port; }
    }

    public enum ServiceType {
        LoadBalancer, NodePort, ClusterIP
    }

    public enum ServiceMode {
        /** One Service with TCP and UDP on the client port (Kubernetes 1.26+, a load balancer that mixes protocols). */
        Mixed,
        /** Two Services, one TCP and one UDP, on the same port number. */
        Split
    }

    public enum TrafficPolicy {
        Local, Cluster
    }

    public enum IpFamilyPolicy {
        SingleStack, PreferDualStack, RequireDualStack
    }

    public enum IpFamily {
        IPv4, IPv6
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!has(self.loadBalancerClass) || self.type == 'LoadBalancer'",
            message = "loadBalancerClass needs type LoadBalancer", fieldPath = ".loadBalancerClass")
    @ValidationRule(value = "!has(self.loadBalancerIP) || self.type == 'LoadBalancer'",
            message = "loadBalancerIP needs type LoadBalancer", fieldPath = ".loadBalancerIP")
    @ValidationRule(value = "!has(self.ipFamilies) || size(self.ipFamilies) < 2 || self.ipFamilies[0] != self.ipFamilies[1]",
            message = "ipFamilies must not repeat a family", fieldPath = ".ipFamilies")
    @ValidationRule(value = "!has(self.ipFamilyPolicy) || self.ipFamilyPolicy != 'SingleStack' || !has(self.ipFamilies) || size(self.ipFamilies) < 2",
            message = "ipFamilyPolicy SingleStack allows one ipFamily", fieldPath = ".ipFamilies")
    // The Service's spec.loadBalancerClass is immutable: it can come or go only with a change of type.
    @ValidationRule(value = "has(self.loadBalancerClass) == has(oldSelf.loadBalancerClass) || self.type != oldSelf.type",
            message = "loadBalancerClass can be added or removed only together with a change of type (the Service's field is immutable)",
            fieldPath = ".loadBalancerClass", reason = "FieldValueForbidden")
    public static class ServiceSpec {
        @Default("LoadBalancer")
        @JsonPropertyDescription("Type of the client Service.")
        private ServiceType type = ServiceType.LoadBalancer;

        @Default("Mixed")
        @JsonPropertyDescription("Mixed: one Service with TCP and UDP (Kubernetes 1.26+ and a load balancer that mixes protocols). Split: two Services, <name> for TCP and <name>-udp for UDP, on the same port; the same address where the cloud allows (loadBalancerIP, annotations such as metallb.universe.tf/allow-shared-ip).")
        private ServiceMode mode = ServiceMode.Mixed;

        @JsonPropertyDescription("Annotations of the client Service(s) (e.g. for the cloud's load balancer); in Split mode both Services get them.")
        private Map<String, String> annotations = new LinkedHashMap<>();

        @Pattern("^[0-9a-fA-F:.]+$")
        @JsonPropertyDescription("Address asked of the load balancer (spec.loadBalancerIP, honoured by MetalLB and some clouds); in Split mode both Services ask for it.")
        private String loadBalancerIP;

        @ValidationRule(value = "self == oldSelf", reason = "FieldValueForbidden",
                message = "loadBalancerClass is immutable (so is the Service's); delete and recreate the Tracker to change it")
        @JsonPropertyDescription("Load balancer implementation (spec.loadBalancerClass of the Service); immutable.")
        private String loadBalancerClass;

        @Default("Local")
        @JsonPropertyDescription("Local keeps the clients' source addresses (peers are announced by address); LoadBalancer and NodePort only.")
        private TrafficPolicy externalTrafficPolicy = TrafficPolicy.Local;

        @JsonPropertyDescription("SingleStack, PreferDualStack or RequireDualStack.")
        private IpFamilyPolicy ipFamilyPolicy;

        @Size(max = 2)
        @ValidationRule(value = "self == oldSelf", reason = "FieldValueForbidden",
                message = "ipFamilies is immutable (so is the Service's primary family); delete and recreate the Tracker to change it")
        @JsonPropertyDescription("IPv4, IPv6 or both, in order of preference; immutable.")
        private List<IpFamily> ipFamilies;

        public ServiceType getType() { return type; }
        public void setType(ServiceType type) { this.type = type; }
        public ServiceMode getMode() { return mode; }
        public void setMode(ServiceMode mode) { this.mode = mode; }
        public String getLoadBalancerIP() { return loadBalancerIP; }
        public void setLoadBalancerIP(String loadBalancerIP) { this.loadBalancerIP = loadBalancerIP; }
        public Map<String, String> getAnnotations() { return annotations; }
        public void setAnnotations(Map<String, String> annotations) { this.annotations = annotations; }
        public String getLoadBalancerClass() { return loadBalancerClass; }
        public void setLoadBalancerClass(String loadBalancerClass) { this.loadBalancerClass = loadBalancerClass; }
        public TrafficPolicy getExternalTrafficPolicy() { return externalTrafficPolicy; }
        public void setExternalTrafficPolicy(TrafficPolicy externalTrafficPolicy) { this.externalTrafficPolicy = externalTrafficPolicy; }
        public IpFamilyPolicy getIpFamilyPolicy() { return ipFamilyPolicy; }
        public void setIpFamilyPolicy(IpFamilyPolicy ipFamilyPolicy) { this.ipFamilyPolicy = ipFamilyPolicy; }
        public List<IpFamily> getIpFamilies() { return ipFamilies; }
        public void setIpFamilies(List<IpFamily> ipFamilies) { this.ipFamilies = ipFamilies; }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!has(self.minInterval) || duration(self.minInterval) <= duration(self.interval)",
            message = "minInterval must not exceed interval", fieldPath = ".minInterval")
    @ValidationRule(value = "self.numwantDefault <= self.numwantMax",
            message = "numwantDefault must not exceed numwantMax", fieldPath = ".numwantDefault")
    public static class Announce {
        /** Durations as the worker reads them: a number and s, m or h. */
        public static final String DURATION = "^[0-9]{1,6}(s|m|h)$";

        @Default("30m")
        @Pattern(DURATION)
        @ValidationRule(value = "duration(self) >= duration('1m') && duration(self) <= duration('2h')",
                message = "interval must be between 1m and 2h")
        @JsonPropertyDescription("Announce interval (a random spread of a tenth either way is applied), e.g. 30m.")
        private String interval = "30m";

        @Pattern(DURATION)
        @JsonPropertyDescription("HTTP 'min interval'; half the interval when unset.")
        private String minInterval;

        @Default("50")
        @Min(1)
        @Max(1000)
        @JsonPropertyDescription("Peers per reply when the client does not say.")
        private Integer numwantDefault = 50;

        @Default("200")
        @Min(1)
        @Max(1000)
        @JsonPropertyDescription("Most peers per reply.")
        private Integer numwantMax = 200;

        public String getInterval() { return interval; }
        public void setInterval(String interval) { this.interval = interval; }
        public String getMinInterval() { return minInterval; }
        public void setMinInterval(String minInterval) { this.minInterval = minInterval; }
        public Integer getNumwantDefault() { return numwantDefault; }
        public void setNumwantDefault(Integer numwantDefault) { this.numwantDefault = numwantDefault; }
        public Integer getNumwantMax() { return numwantMax; }
        public void setNumwantMax(Integer numwantMax) { this.numwantMax = numwantMax; }
    }

    public enum AccessListMode {
        @JsonProperty("off") OFF,
        @JsonProperty("blacklist") BLACKLIST,
        @JsonProperty("whitelist") WHITELIST;

        /** The worker's spelling ({@code tracker.access-list.mode}). */
        public String workerValue() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "self.mode == 'off' || has(self.configMapName) || (has(self.configMaps) && size(self.configMaps) > 0)",
            message = "a blacklist or whitelist needs configMapName or configMaps", fieldPath = ".configMapName")
    public static class AccessList {
        @Default("off")
        @JsonPropertyDescription("off, blacklist (serve all but the listed hashes) or whitelist (serve only the listed ones).")
        private AccessListMode mode = AccessListMode.OFF;

        @Pattern("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
        @JsonPropertyDescription("ConfigMap in the Tracker's namespace holding the list (GitOps owns it; the operator only reads it).")
        private String configMapName;

        @Default("accesslist")
        @Pattern("^[-._a-zA-Z0-9]{1,253}$")
        @JsonPropertyDescription("Key of the ConfigMap holding the list: one 40-hex-digit info hash at the start of each line.")
        private String key = "accesslist";

        public AccessListMode getMode() { return mode; }
        public void setMode(AccessListMode mode) { this.mode = mode; }
        public String getConfigMapName() { return configMapName; }
        public void setConfigMapName(String configMapName) { this.configMapName = configMapName; }
        @Size(max = 64)
        @JsonPropertyDescription("ConfigMaps (in the Tracker's namespace) whose keys the workers merge into one list, with"
                + " configMapName's if that is set too: for a list larger than one ConfigMap's 1 MiB. A key may hold"
                + " the list gzip-compressed (binaryData).")
        private List<ConfigMapKeys> configMaps;

        public String getKey() { return key; }
        public void setKey(String key) { this.key = key; }
        public List<ConfigMapKeys> getConfigMaps() { return configMaps; }
        public void setConfigMaps(List<ConfigMapKeys> configMaps) { this.configMaps = configMaps; }

        /** Whether the list spans more than configMapName's one key (and so is mounted as a projected directory). */
        public boolean spansSeveralKeys() {
            return configMaps != null && !configMaps.isEmpty();
        }

        /** Every ConfigMap and key the list is read from, configMapName's first. */
        public List<ConfigMapKeys> sources() {
            List<ConfigMapKeys> sources = new ArrayList<>();
            if (configMapName != null) {
                sources.add(new ConfigMapKeys(configMapName, List.of(key)));
            }
            if (configMaps != null) {
                sources.addAll(configMaps);
            }
            return sources;
        }
    }

    /** One ConfigMap of a list and the keys of it that belong to the list. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!has(self.keys) || self.keys.all(k, k.matches('^[-._a-zA-Z0-9]{1,253}$'))",
            message = "a key is 1 to 253 of the characters -._a-zA-Z0-9", fieldPath = ".keys")
    public static class ConfigMapKeys {
        @io.fabric8.generator.annotation.Required
        @Pattern("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
        @JsonPropertyDescription("The ConfigMap's name.")
        private String name;

        @Size(min = 1, max = 64)
        @JsonPropertyDescription("Its keys that hold (parts of) the list, plain text or gzip-compressed binaryData;"
                + " accesslist when not given.")
        private List<String> keys;

        public ConfigMapKeys() {
        }

        public ConfigMapKeys(String name, List<String> keys) {
            this.name = name;
            this.keys = keys;
        }

        public String getName() { return name; }
        public void setName(String name) { this.name = name; }
        public List<String> getKeys() { return keys; }

        /** The keys, {@code accesslist} when none are given. */
        public List<String> keysOrDefault() {
            return keys == null || keys.isEmpty() ? List.of("accesslist") : keys;
        }
        public void setKeys(List<String> keys) { this.keys = keys; }

    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "self.probability == 0.0 || self.maxPeers > 0",
            message = "a probability above 0 needs maxPeers above 0", fieldPath = ".maxPeers")
    public static class Deniability {
        @Default("0")
        @Min(0)
        @Max(1)
        @JsonPropertyDescription("Share of announce replies (0 to 1) that get random peers.")
        private Double probability = 0.0;

        @Default("0")
        @Min(0)
        @Max(50)
        @JsonPropertyDescription("Most random peers per such reply.")
        private Integer maxPeers = 0;

        @Default("1024-65535")
        @Pattern("^[0-9]{1,5}-[0-9]{1,5}$")
        @JsonPropertyDescription("Port range of the random peers, first-last.")
        private String ports = "1024-65535";

        public Double getProbability() { return probability; }
        public void setProbability(Double probability) { this.probability = probability; }
        public Integer getMaxPeers() { return maxPeers; }
        public void setMaxPeers(Integer maxPeers) { this.maxPeers = maxPeers; }
        public String getPorts() { return ports; }
        public void setPorts(String ports) { this.ports = ports; }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Sync {
        @Default("6970")
        @Min(1)
        @Max(65535)
        @ValidationRule(value = "self != 9000", message = "port 9000 is the workers' management port")
        @JsonPropertyDescription("Sync port between the workers: UDP for live changes, TCP for snapshots.")
        private Integer port = 6970;

        public Integer getPort() { return port; }
        public void setPort(Integer port) { this.port = port; }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Metrics {
        @Default("false")
        @JsonPropertyDescription("Create a ServiceMonitor (Prometheus Operator) for the workers' /q/metrics; needs its CRD in the cluster.")
        private Boolean serviceMonitor = false;

        @Pattern("^[0-9]{1,6}(s|m)$")
        @JsonPropertyDescription("Scrape interval of the ServiceMonitor, e.g. 30s.")
        private String interval;

        @JsonPropertyDescription("Labels of the ServiceMonitor (e.g. the release label your Prometheus selects).")
        private Map<String, String> labels = new LinkedHashMap<>();

        public Boolean getServiceMonitor() { return serviceMonitor; }
        public void setServiceMonitor(Boolean serviceMonitor) { this.serviceMonitor = serviceMonitor; }
        public String getInterval() { return interval; }
        public void setInterval(String interval) { this.interval = interval; }
        public Map<String, String> getLabels() { return labels; }
        public void setLabels(Map<String, String> labels) { this.labels = labels; }
    }

    public Integer getReplicas() { return replicas; }
    public void setReplicas(Integer replicas) { this.replicas = replicas; }
    public String getImage() { return image; }
    public void setImage(String image) { this.image = image; }
    public PullPolicy getImagePullPolicy() { return imagePullPolicy; }
    public void setImagePullPolicy(PullPolicy imagePullPolicy) { this.imagePullPolicy = imagePullPolicy; }
    public ResourceRequirements getResources() { return resources; }
    public void setResources(ResourceRequirements resources) { this.resources = resources; }
    public Endpoint getHttp() { return http; }
    public void setHttp(Endpoint http) { this.http = http; }
    public Endpoint getUdp() { return udp; }
    public void setUdp(Endpoint udp) { this.udp = udp; }
    public ServiceSpec getService() { return service; }
    public void setService(ServiceSpec service) { this.service = service; }
    public Announce getAnnounce() { return announce; }
    public void setAnnounce(Announce announce) { this.announce = announce; }
    public String getPeerTimeout() { return peerTimeout; }
    public void setPeerTimeout(String peerTimeout) { this.peerTimeout = peerTimeout; }
    public AccessList getAccessList() { return accessList; }
    public void setAccessList(AccessList accessList) { this.accessList = accessList; }
    public Deniability getDeniability() { return deniability; }
    public void setDeniability(Deniability deniability) { this.deniability = deniability; }
    public List<String> getTrustedProxies() { return trustedProxies; }
    public void setTrustedProxies(List<String> trustedProxies) { this.trustedProxies = trustedProxies; }
    public Sync getSync() { return sync; }
    public void setSync(Sync sync) { this.sync = sync; }
    public Metrics getMetrics() { return metrics; }
    public void setMetrics(Metrics metrics) { this.metrics = metrics; }
    public String getDrain() { return drain; }
    public void setDrain(String drain) { this.drain = drain; }
    public List<TopologySpreadConstraint> getTopologySpreadConstraints() { return topologySpreadConstraints; }
    public void setTopologySpreadConstraints(List<TopologySpreadConstraint> topologySpreadConstraints) { this.topologySpreadConstraints = topologySpreadConstraints; }
    public NetworkPolicySpec getNetworkPolicy() { return networkPolicy; }
    public void setNetworkPolicy(NetworkPolicySpec networkPolicy) { this.networkPolicy = networkPolicy; }
    public Map<String, String> getNodeSelector() { return nodeSelector; }
    public void setNodeSelector(Map<String, String> nodeSelector) { this.nodeSelector = nodeSelector; }
    public List<Toleration> getTolerations() { return tolerations; }
    public void setTolerations(List<Toleration> tolerations) { this.tolerations = tolerations; }
    public Affinity getAffinity() { return affinity; }
    public void setAffinity(Affinity affinity) { this.affinity = affinity; }
    public List<LocalObjectReference> getImagePullSecrets() { return imagePullSecrets; }
    public void setImagePullSecrets(List<LocalObjectReference> imagePullSecrets) { this.imagePullSecrets = imagePullSecrets; }
    public String getPriorityClassName() { return priorityClassName; }
    public void setPriorityClassName(String priorityClassName) { this.priorityClassName = priorityClassName; }
}
