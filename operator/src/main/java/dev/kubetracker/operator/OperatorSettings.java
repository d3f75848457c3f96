package dev.kubetracker.operator;

/**
 * Settings of the operator that shape what it renders (not the Tracker's spec).
 *
 * @param workerImage   image of the workers when a Tracker does not name one
 * @param clusterDomain DNS domain of the cluster, for the headless Service's name
 */
public record OperatorSettings(String workerImage, String clusterDomain) {
}
