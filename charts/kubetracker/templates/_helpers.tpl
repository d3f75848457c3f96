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

{{/* The namespaces the operator watches; empty for every namespace. */}}
{{- define "kubetracker.watchNamespaces" -}}
{{- if .Values.watchAllNamespaces -}}
{{- "" -}}
{{- else -}}
{{- join "," (default (list .Release.Namespace) .Values.watchNamespaces) -}}
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
# the keys: created once (a plain create), never updated or deleted by the operator (garbage collection
# deletes them with the Tracker). Its informer selects the Secrets it labelled, but RBAC cannot limit
# list and watch by label: this is the residual grant, limited to the watched namespaces.
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch", "create"]
# the access lists: read only (GitOps owns them). The informer selects the ConfigMaps labelled
# kubetracker.dev/access-list; get tells a Tracker's unlabelled ConfigMap from a missing one.
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get", "list", "watch"]
# the worker pods: listed by a Tracker's selector to read each ready pod's loaded access-list digest
# from its /q/metrics (status.accessList.workersOnNewest); list is all the poll uses
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list"]
# Events about the Trackers (keys created, Degraded, failed reconciles)
- apiGroups: ["events.k8s.io"]
  resources: ["events"]
  verbs: ["create"]
{{- if .Values.rbac.serviceMonitors }}
- apiGroups: ["monitoring.coreos.com"]
  resources: ["servicemonitors"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
{{- end }}
{{- end -}}
