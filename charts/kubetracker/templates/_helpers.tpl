{{- define "kubetracker.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "kubetracker.selectorLabels" -}}
app.kubernetes.io/name: kubetracker-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "kubetracker.labels" -}}
{{ include "kubetracker.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "kubetracker.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "kubetracker.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* What the operator does with the resources of the Trackers it manages (least privilege). */}}
{{- define "kubetracker.namespacedRules" -}}
- apiGroups: ["kubetracker.dev"]
  resources: ["trackers"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["kubetracker.dev"]
  resources: ["trackers/status"]
  verbs: ["get", "patch", "update"]
# owner references with blockOwnerDeletion need this where OwnerReferencesPermissionEnforcement is on (OpenShift)
- apiGroups: ["kubetracker.dev"]
  resources: ["trackers/finalizers"]
  verbs: ["update"]
- apiGroups: ["apps"]
  resources: ["statefulsets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: [""]
  resources: ["services"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["networking.k8s.io"]
  resources: ["networkpolicies"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# the keys: created once, never updated or deleted by the operator (garbage collection deletes them)
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch", "create", "patch"]
# the access lists: read only (GitOps owns them)
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get", "list", "watch"]
{{- if .Values.rbac.serviceMonitors }}
- apiGroups: ["monitoring.coreos.com"]
  resources: ["servicemonitors"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
{{- end }}
{{- end -}}
