package dev.kubetracker.operator;

/** Trackers as a GitOps tool sees them (YAML), with a status as the operator writes it, for the health checks. */
final class SampleTrackers {

    private SampleTrackers() {
    }

    /** A Tracker at {@code generation} with {@code status} (a YAML {@code status:} block, or nothing). */
    static String tracker(long generation, String status) {
        return """
                apiVersion: kubetracker.dev/v1alpha1
                kind: Tracker
                metadata:
                  name: tracker
                  namespace: torrents
                  generation: %d
                spec:
                  replicas: 3
                """.formatted(generation) + status;
    }

    /** Ready at generation 4, every worker serving. */
    static final String READY = """
            status:
              observedGeneration: 4
              replicas: 3
              readyReplicas: 3
              conditions:
                - type: Ready
                  status: "True"
                  reason: WorkersReady
                  message: 3 of 3 workers ready
                - type: Progressing
                  status: "False"
                  reason: RolloutComplete
                  message: rollout complete
                - type: Degraded
                  status: "False"
                  reason: AsExpected
                  message: ""
            """;

    /** Generation 6 rolling out. */
    static final String ROLLING_UPDATE = """
            status:
              observedGeneration: 6
              conditions:
                - type: Ready
                  status: "False"
                  reason: RolloutInProgress
                  message: 1 of 3 workers updated
                - type: Progressing
                  status: "True"
                  reason: RollingUpdate
                  message: updating worker tracker-1
            """;

    /** READY, but the access list has gone (the workers keep serving their last list). */
    static final String READY_BUT_DEGRADED = READY.replace(
            "status: \"False\"\n      reason: AsExpected\n      message: \"\"",
            "status: \"True\"\n      reason: AccessListMissing\n      message: ConfigMap tracker-whitelist not found");
}
