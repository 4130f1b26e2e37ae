{{/*
Combinations of values that cannot work, refused at rendering time with a message that names the
values to change. Included once, by checks.yaml.
*/}}
{{- define "churnwire.checks" -}}
{{- $v := .Values -}}

{{- /* The embedded DuckDB history is one process per file. */ -}}
{{- if include "churnwire.embeddedHistory" . -}}
{{- if gt (int $v.server.replicas) 1 -}}
{{- fail (printf "server.replicas is %d but the history is the embedded DuckDB store, which one process opens at a time: set history.url to a PostgreSQL database (jdbc:postgresql://...), or history.enabled=false, or server.replicas=1" (int $v.server.replicas)) -}}
{{- end -}}
{{- if $v.server.autoscaling.enabled -}}
{{- fail "server.autoscaling.enabled needs a shared history: the embedded DuckDB store is one process per file; set history.url to a PostgreSQL database (jdbc:postgresql://...) or history.enabled=false" -}}
{{- end -}}
{{- end -}}
{{- if $v.history.url -}}
{{- if not (or (hasPrefix "jdbc:postgresql://" $v.history.url) (hasPrefix "jdbc:duckdb:" $v.history.url)) -}}
{{- fail (printf "history.url %q is neither jdbc:postgresql://host:port/db nor jdbc:duckdb:<file>" $v.history.url) -}}
{{- end -}}
{{- if regexMatch "(?i)password=" $v.history.url -}}
{{- fail "history.url carries a password: put it in a Secret named by history.passwordSecret.name" -}}
{{- end -}}
{{- if and (hasPrefix "jdbc:postgresql://" $v.history.url) (not $v.history.user) -}}
{{- fail "history.url is a PostgreSQL database: set history.user (and history.passwordSecret.name)" -}}
{{- end -}}
{{- end -}}

{{- /* Autoscaling. */ -}}
{{- if $v.server.autoscaling.enabled -}}
{{- if gt (int $v.server.autoscaling.minReplicas) (int $v.server.autoscaling.maxReplicas) -}}
{{- fail (printf "server.autoscaling.minReplicas (%d) is above maxReplicas (%d)" (int $v.server.autoscaling.minReplicas) (int $v.server.autoscaling.maxReplicas)) -}}
{{- end -}}
{{- if not (and $v.server.resources.requests $v.server.resources.requests.cpu) -}}
{{- fail "server.autoscaling.enabled scales on CPU utilization, which needs server.resources.requests.cpu" -}}
{{- end -}}
{{- end -}}

{{- /* A bridge beyond the request partitions gets no partition. */ -}}
{{- if $v.bridge.enabled -}}
{{- $partitions := int $v.kafka.requestPartitions -}}
{{- if $v.bridge.keda.enabled -}}
{{- if gt (int $v.bridge.keda.maxReplicaCount) $partitions -}}
{{- fail (printf "bridge.keda.maxReplicaCount (%d) is above kafka.requestPartitions (%d): a bridge beyond the partitions of %s gets none; add partitions or lower maxReplicaCount" (int $v.bridge.keda.maxReplicaCount) $partitions $v.kafka.topics.requests) -}}
{{- end -}}
{{- if gt (int $v.bridge.keda.minReplicaCount) (int $v.bridge.keda.maxReplicaCount) -}}
{{- fail (printf "bridge.keda.minReplicaCount (%d) is above maxReplicaCount (%d)" (int $v.bridge.keda.minReplicaCount) (int $v.bridge.keda.maxReplicaCount)) -}}
{{- end -}}
{{- else if gt (int $v.bridge.replicas) $partitions -}}
{{- fail (printf "bridge.replicas (%d) is above kafka.requestPartitions (%d): a bridge beyond the partitions of %s gets none" (int $v.bridge.replicas) $partitions $v.kafka.topics.requests) -}}
{{- end -}}
{{- end -}}

{{- /* Secrets the enabled features need. */ -}}
{{- if and $v.server.tls.enabled (not $v.server.tls.existingSecret) -}}
{{- fail "server.tls.enabled needs server.tls.existingSecret, a kubernetes.io/tls Secret with the server's certificate and PKCS#8 key" -}}
{{- end -}}
{{- if and $v.server.tls.clientCa.existingSecret (not $v.server.tls.enabled) -}}
{{- fail "server.tls.clientCa.existingSecret (mTLS) needs server.tls.enabled" -}}
{{- end -}}
{{- if and $v.envoy.enabled $v.envoy.restTls.enabled (not $v.envoy.restTls.existingSecret) -}}
{{- fail "envoy.restTls.enabled needs envoy.restTls.existingSecret, a kubernetes.io/tls Secret" -}}
{{- end -}}
{{- if and $v.envoy.enabled $v.envoy.restTls.clientCa.existingSecret (not $v.envoy.restTls.enabled) -}}
{{- fail "envoy.restTls.clientCa.existingSecret (mTLS) needs envoy.restTls.enabled" -}}
{{- end -}}
{{- if and $v.envoy.enabled (include "churnwire.envoyUpstreamTls" .) (not $v.envoy.upstreamTls.caSecret) -}}
{{- fail "server.tls.enabled: Envoy verifies the servers' certificate, so set envoy.upstreamTls.caSecret to a Secret with the CA that signed it" -}}
{{- end -}}
{{- if and $v.envoy.enabled $v.server.tls.clientCa.existingSecret (not $v.envoy.upstreamTls.clientCertSecret) -}}
{{- fail "the servers require client certificates (server.tls.clientCa): set envoy.upstreamTls.clientCertSecret to Envoy's kubernetes.io/tls Secret" -}}
{{- end -}}
{{- if and $v.bridge.enabled $v.server.tls.clientCa.existingSecret (not $v.bridge.serverTls.clientCertSecret) -}}
{{- fail "the servers require client certificates (server.tls.clientCa): set bridge.serverTls.clientCertSecret to the bridge's kubernetes.io/tls Secret" -}}
{{- end -}}
{{- if and $v.bridge.enabled $v.server.auth.tokensSecret (not $v.bridge.tokenSecret.name) (not $v.server.tls.clientCa.existingSecret) -}}
{{- fail "the servers require a credential (server.auth.tokensSecret): set bridge.tokenSecret.name to a Secret with the bridge's bearer token, or give the bridge a client certificate listed as a subject (server.tls.clientCa)" -}}
{{- end -}}

{{- /* The model registry. */ -}}
{{- $readOnlyMany := and (eq (len $v.models.accessModes) 1) (has "ReadOnlyMany" $v.models.accessModes) -}}
{{- if and $readOnlyMany (not $v.models.existingClaim) -}}
{{- fail "models.accessModes [ReadOnlyMany] fits only an existing claim that already holds a registry (models.existingClaim); a new claim must be writable by the init Job (ReadWriteMany or ReadWriteOnce)" -}}
{{- end -}}
{{- if and $readOnlyMany $v.models.init.enabled -}}
{{- fail "models.init.enabled writes the registry, which a ReadOnlyMany claim does not allow: fill the registry yourself and set models.init.enabled=false" -}}
{{- end -}}
{{- end -}}
