{{/* Names, labels and images shared by the templates. */}}

{{- define "churnwire.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* <release>-churnwire, or the release name alone when it already contains the chart's name. */}}
{{- define "churnwire.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "churnwire.labels" -}}
app.kubernetes.io/name: {{ include "churnwire.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* Selector labels of one component: pass (dict "root" $ "component" "server"). */}}
{{- define "churnwire.selectorLabels" -}}
app.kubernetes.io/name: {{ include "churnwire.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "churnwire.componentLabels" -}}
{{ include "churnwire.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* An image reference: pass (dict "root" $ "image" .Values.server.image). */}}
{{- define "churnwire.image" -}}
{{- $defaults := .root.Values.imageDefaults -}}
{{- $tag := .image.tag | default $defaults.tag | default .root.Chart.AppVersion -}}
{{- if $defaults.registry -}}
{{- printf "%s/%s:%s" (trimSuffix "/" $defaults.registry) .image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .image.repository $tag -}}
{{- end -}}
{{- end -}}

{{- define "churnwire.serverService" -}}{{ include "churnwire.fullname" . }}-server{{- end -}}
{{- define "churnwire.serverHeadlessService" -}}{{ include "churnwire.fullname" . }}-server-headless{{- end -}}
{{- define "churnwire.modelsClaim" -}}
{{- .Values.models.existingClaim | default (printf "%s-models" (include "churnwire.fullname" .)) -}}
{{- end -}}

{{/* True ("true") when the history is the embedded DuckDB store. */}}
{{- define "churnwire.embeddedHistory" -}}
{{- if and .Values.history.enabled (or (not .Values.history.url) (hasPrefix "jdbc:duckdb:" .Values.history.url)) -}}true{{- end -}}
{{- end -}}

{{/* The container security context every workload's containers share. */}}
{{- define "churnwire.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: [ALL]
{{- end -}}

{{/* Pod-level settings every workload shares. */}}
{{- define "churnwire.podCommon" -}}
automountServiceAccountToken: false
enableServiceLinks: false
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Whether Envoy talks TLS to the servers. */}}
{{- define "churnwire.envoyUpstreamTls" -}}
{{- if or .Values.server.tls.enabled .Values.envoy.upstreamTls.caSecret -}}true{{- end -}}
{{- end -}}

{{/* Whether the bridge talks TLS to the servers. */}}
{{- define "churnwire.bridgeServerTls" -}}
{{- if or .Values.server.tls.enabled .Values.bridge.serverTls.caSecret -}}true{{- end -}}
{{- end -}}

{{/*
Envoy's configuration: envoy/envoy.yaml (files/envoy.yaml is a link to it) with its optional
blocks kept or deleted and its placeholders filled, as scripts/envoy.sh does. A placeholder left
unfilled fails the rendering, so a new one in envoy.yaml cannot reach a cluster unnoticed.
*/}}
{{- define "churnwire.envoyConfig" -}}
{{- $v := .Values.envoy -}}
{{- $config := .Files.Get "files/envoy.yaml" -}}
{{- if not $config -}}
{{- fail "files/envoy.yaml (a link to envoy/envoy.yaml) is missing from the chart" -}}
{{- end -}}
{{- $upstreamTls := include "churnwire.envoyUpstreamTls" . -}}
{{- $blocks := dict
    "REST_TLS" $v.restTls.enabled
    "REST_TLS_CLIENT_CA" (and $v.restTls.enabled $v.restTls.clientCa.existingSecret)
    "UPSTREAM_TLS" $upstreamTls
    "UPSTREAM_TLS_SNI" $upstreamTls
    "UPSTREAM_TLS_CLIENT_CERT" (and $upstreamTls $v.upstreamTls.clientCertSecret) -}}
{{- range $name, $keep := $blocks -}}
{{- if not $keep -}}
{{- $config = regexReplaceAll (printf "(?ms)^[ \\t]*# BEGIN %s\\n.*?^[ \\t]*# END %s\\n" $name $name) $config "" -}}
{{- end -}}
{{- end -}}
{{- $headless := printf "%s.%s.svc" (include "churnwire.serverHeadlessService" .) .Release.Namespace -}}
{{- $values := dict
    "REST_ADDRESS" "0.0.0.0"
    "REST_PORT" (toString $v.port)
    "ADMIN_PORT" "9901"
    "UPSTREAM_HOST" $headless
    "UPSTREAM_PORT" (toString .Values.server.ports.grpc)
    "HTTP_UPSTREAM_HOST" $headless
    "HTTP_UPSTREAM_PORT" (toString .Values.server.ports.metrics)
    "DESCRIPTOR" $v.descriptorPath
    "SECRETS_DIR" "/etc/envoy/sds"
    "UPSTREAM_TLS_SERVER_NAME" ($v.upstreamTls.serverName | default $headless)
    "UPSTREAM_TLS_SAN_TYPE" "DNS" -}}
{{- range $name, $value := $values -}}
{{- $config = replace (printf "${%s}" $name) $value $config -}}
{{- end -}}
{{- $left := regexFindAll "\\$\\{[A-Z_]+\\}" $config -1 | uniq -}}
{{- if $left -}}
{{- fail (printf "envoy.yaml has placeholders the chart does not fill: %s" (join ", " $left)) -}}
{{- end -}}
{{- $config -}}
{{- end -}}

{{/* An SDS file from envoy/secrets/: pass (dict "root" $ "template" "tls-certificate" "values" (dict ...)). */}}
{{- define "churnwire.envoySds" -}}
{{- $sds := .root.Files.Get (printf "files/envoy-secrets/%s.yaml" .template) -}}
{{- if not $sds -}}
{{- fail (printf "files/envoy-secrets/%s.yaml (from envoy/secrets/) is missing from the chart" .template) -}}
{{- end -}}
{{- range $name, $value := .values -}}
{{- $sds = replace (printf "${%s}" $name) $value $sds -}}
{{- end -}}
{{- $left := regexFindAll "\\$\\{[A-Z_]+\\}" $sds -1 | uniq -}}
{{- if $left -}}
{{- fail (printf "envoy/secrets/%s.yaml has placeholders the chart does not fill: %s" .template (join ", " $left)) -}}
{{- end -}}
{{- $sds -}}
{{- end -}}
