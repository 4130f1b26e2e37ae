#!/usr/bin/env bash
# Checks the deployment files offline, without a cluster or a container engine:
#   - the Helm chart (deploy/helm/churnwire): `helm lint --strict` and `helm template` with its
#     default values and with each values set in its ci/ folder; every rendered object validated
#     against the Kubernetes schemas of the oldest and the newest version it supports (strict:
#     unknown fields refused) and KEDA's ScaledObject against its own schema, then the chart's
#     promises checked (deploy/tests/validate_manifests.py);
#   - Envoy's configuration as the chart renders it, plaintext and with every TLS block, loaded by
#     a real Envoy in validate mode with the contracts' descriptor set;
#   - values that cannot work (deploy/tests/must-fail/*.yaml) refused by `helm template` with the
#     message each file names on its "# expect:" line;
#   - docker-compose.yml against the Compose Specification's schema, and its promises: restart
#     policies and health checks on the long-running services, no secret in the file;
#   - that the Dockerfile renders every placeholder of envoy/envoy.yaml.
# Each check also runs once on a broken input that it must refuse, so none passes vacuously.
# Needs scripts/install-tools.sh (helm, the Python tools, Envoy) and openssl.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$churnwire_root"

chart=deploy/helm/churnwire
tests=deploy/tests
python="$churnwire_root/.tools/venv/bin/python"
helm="$churnwire_root/.tools/bin/helm"
envoy="${ENVOY:-$churnwire_root/.tools/bin/envoy}"
check_jsonschema="$churnwire_root/.tools/venv/bin/check-jsonschema"
# The oldest Kubernetes the chart supports (Chart.yaml kubeVersion) and the newest that
# kubernetes-validate knows.
kube_versions=(1.30.0 1.37.0)
existing_claims=(churnwire-models)

for tool in "$python" "$helm" "$envoy" "$check_jsonschema"; do
  [ -x "$tool" ] || { echo "test-deploy: $tool is missing; run scripts/install-tools.sh" >&2; exit 1; }
done
command -v openssl >/dev/null || { echo "test-deploy: openssl is needed for the TLS checks" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
checks=0
fail() {
  echo "test-deploy: FAIL: $*" >&2
  exit 1
}
passed() {
  checks=$((checks + 1))
  echo "  ok: $*"
}

# helm warns on stderr that the chart's files/ links into envoy/; everything else it says counts.
helm_quiet() {
  local status=0
  "$helm" "$@" 2>"$work/helm-stderr.txt" || status=$?
  grep -v 'found symbolic link in path' "$work/helm-stderr.txt" >&2 || true
  return "$status"
}

descriptor=contracts/target/descriptors/churnwire.pb
if [ ! -f "$descriptor" ] || [ -n "$(find proto contracts/pom.xml -newer "$descriptor" -print -quit)" ]; then
  ./mvnw -B -q -pl contracts generate-sources
fi

echo "== helm $("$helm" version --short)"
values_sets=(default)
for file in "$chart"/ci/*.yaml; do
  values_sets+=("$file")
done
for set in "${values_sets[@]}"; do
  args=()
  name=default
  if [ "$set" != default ]; then
    args=(-f "$set")
    name="$(basename "$set" .yaml)"
  fi
  helm_quiet lint --strict --kube-version "${kube_versions[0]}" "$chart" "${args[@]}" >"$work/lint-$name.txt" \
    || { cat "$work/lint-$name.txt" >&2; fail "helm lint --strict with $set values"; }
  passed "helm lint --strict ($name values)"
  for version in "${kube_versions[@]}"; do
    helm_quiet template churnwire "$chart" --namespace churnwire --kube-version "$version" "${args[@]}" \
      >"$work/$name-$version.yaml" || fail "helm template with $set values for Kubernetes $version"
  done
  passed "helm template ($name values) for Kubernetes ${kube_versions[*]}"
  claim_args=()
  for claim in "${existing_claims[@]}"; do
    claim_args+=(--existing-claim "$claim")
  done
  version_args=()
  for version in "${kube_versions[@]}"; do
    version_args+=(--kubernetes-version "$version")
  done
  "$python" "$tests/validate_manifests.py" "${version_args[@]}" "${claim_args[@]}" \
    --envoy-config-out "$work/envoy-$name" "$work/$name-${kube_versions[-1]}.yaml" >"$work/validate-$name.txt" 2>&1 \
    || { cat "$work/validate-$name.txt" >&2; fail "rendered manifests ($name values) do not validate"; }
  grep -v '^  schema ok' "$work/validate-$name.txt" | sed 's/^/  /'
  passed "$(grep -c '^  schema ok' "$work/validate-$name.txt") schema validations ($name values)"
done

echo "== the validator refuses a broken manifest"
"$python" - "$work/default-${kube_versions[-1]}.yaml" "$work/broken.yaml" <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
server = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"].endswith("-server"))
container = server["spec"]["template"]["spec"]["containers"][0]
container["readinessProbe"]["grpc"]["servic"] = container["readinessProbe"]["grpc"].pop("service")
yaml.safe_dump_all(docs, open(sys.argv[2], "w"))
PY
if "$python" "$tests/validate_manifests.py" --kubernetes-version "${kube_versions[0]}" "$work/broken.yaml" >"$work/broken.txt" 2>&1; then
  cat "$work/broken.txt" >&2
  fail "the validator accepted a readiness probe with a misspelt field"
fi
grep -q "servic" "$work/broken.txt" || { cat "$work/broken.txt" >&2; fail "the validator refused the broken manifest for another reason"; }
passed "a misspelt probe field is refused"

echo "== Envoy validates the configurations the chart renders"
# A throw-away CA and certificates stand in for the Secrets, at the paths the pods mount them.
pki="$work/pki"
mkdir -p "$pki"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "/CN=test CA" \
  -keyout "$pki/ca.key" -out "$pki/ca.crt" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=churnwire" \
  -keyout "$pki/tls.key" -out "$pki/tls.csr" 2>/dev/null
openssl x509 -req -in "$pki/tls.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -days 1 -out "$pki/tls.crt" 2>/dev/null
for name in "${values_sets[@]}"; do
  [ "$name" = default ] || name="$(basename "$name" .yaml)"
  dir="$work/envoy-$name"
  [ -f "$dir/envoy.yaml" ] || continue
  for mount in rest rest-client-ca upstream-ca upstream-client; do
    mkdir -p "$dir/tls/$mount"
    cp "$pki/tls.crt" "$pki/tls.key" "$dir/tls/$mount/"
    cp "$pki/ca.crt" "$dir/tls/$mount/ca.crt"
  done
  mkdir -p "$dir/sds"
  for file in "$dir"/*.yaml; do
    sed -e "s|/etc/envoy/churnwire.pb|$churnwire_root/$descriptor|" -e "s|/etc/envoy/sds/|$dir/sds/|" \
      -e "s|/etc/envoy/tls/|$dir/tls/|" "$file" >"$dir/sds/$(basename "$file")"
  done
  "$envoy" --mode validate -c "$dir/sds/envoy.yaml" --log-level error >"$work/envoy-$name.txt" 2>&1 \
    || { cat "$work/envoy-$name.txt" >&2; fail "Envoy refuses the configuration rendered with $name values"; }
  tls_blocks="$(grep -c '# BEGIN [A-Z_]*TLS' "$dir/envoy.yaml" || true)"
  passed "envoy --mode validate ($name values, $tls_blocks TLS blocks kept)"
done
sed 's|cluster: churnwire_grpc, timeout: 30s|cluster: no_such_cluster, timeout: 30s|' \
  "$work/envoy-default/sds/envoy.yaml" >"$work/envoy-broken.yaml"
if "$envoy" --mode validate -c "$work/envoy-broken.yaml" --log-level critical >/dev/null 2>&1; then
  fail "Envoy's validate mode accepted a route to a cluster that does not exist"
fi
passed "Envoy's validate mode refuses a route to an unknown cluster"

echo "== values that cannot work are refused"
for file in "$tests"/must-fail/*.yaml; do
  expected="$(sed -n 's/^# expect: //p' "$file")"
  [ -n "$expected" ] || fail "$file has no '# expect:' line"
  if helm_quiet template churnwire "$chart" --kube-version "${kube_versions[0]}" -f "$file" >/dev/null 2>"$work/must-fail.txt"; then
    fail "helm template accepted $file"
  fi
  grep -qF -- "$expected" "$work/must-fail.txt" \
    || { cat "$work/must-fail.txt" >&2; fail "helm template refused $file without saying: $expected"; }
  passed "$(basename "$file" .yaml): $expected"
done

# A placeholder that envoy/envoy.yaml gains and the chart does not fill stops the rendering.
cp -rL "$chart" "$work/chart-new-placeholder"
printf '# listens on ${NEW_PLACEHOLDER}\n' >>"$work/chart-new-placeholder/files/envoy.yaml"
if helm_quiet template churnwire "$work/chart-new-placeholder" --kube-version "${kube_versions[0]}" >/dev/null 2>"$work/must-fail.txt"; then
  fail "helm template rendered an envoy.yaml with a placeholder it does not fill"
fi
grep -qF 'envoy.yaml has placeholders the chart does not fill: ${NEW_PLACEHOLDER}' "$work/must-fail.txt" \
  || { cat "$work/must-fail.txt" >&2; fail "an unfilled envoy.yaml placeholder failed the rendering without naming it"; }
passed "a new placeholder in envoy/envoy.yaml that the chart does not fill is refused, named"

echo "== docker-compose.yml"
"$check_jsonschema" --builtin-schema vendor.compose-spec docker-compose.yml >/dev/null \
  || { "$check_jsonschema" --builtin-schema vendor.compose-spec docker-compose.yml >&2 || true; fail "docker-compose.yml does not follow the Compose Specification"; }
passed "docker-compose.yml follows the Compose Specification (check-jsonschema's vendored compose-spec schema)"
sed 's/^    stop_grace_period: 40s/    stop_grace_periods: 40s/' docker-compose.yml >"$work/compose-broken.yml"
if "$check_jsonschema" --builtin-schema vendor.compose-spec "$work/compose-broken.yml" >/dev/null 2>&1; then
  fail "the compose schema check accepted a misspelt service key"
fi
passed "the compose schema check refuses a misspelt service key"
"$python" "$tests/check_compose.py" docker-compose.yml || fail "docker-compose.yml breaks the stack's promises"
passed "compose: restart policies, health checks, the history in PostgreSQL, no secret in the file"
"$python" - docker-compose.yml "$work/compose-no-restart.yml" <<'PY'
import sys, yaml
compose = yaml.safe_load(open(sys.argv[1]))
del compose["services"]["server"]["restart"]
compose["services"]["bridge"]["environment"]["CHURNWIRE_SERVER_TOKEN"] = "0123456789abcdef"
yaml.safe_dump(compose, open(sys.argv[2], "w"))
PY
if "$python" "$tests/check_compose.py" "$work/compose-no-restart.yml" >"$work/compose-check.txt" 2>&1; then
  fail "the compose check accepted a server without a restart policy and a token in the environment"
fi
grep -q "server: restart" "$work/compose-check.txt" && grep -q "CHURNWIRE_SERVER_TOKEN carries a secret" "$work/compose-check.txt" \
  || { cat "$work/compose-check.txt" >&2; fail "the compose check refused the broken file for another reason"; }
passed "the compose check refuses a missing restart policy and a token in the environment"

echo "== the Dockerfile renders every placeholder of envoy/envoy.yaml"
# What survives the Dockerfile's block deletion (the TLS blocks) must each have a substitution.
needed="$(sed -e '/# BEGIN REST_TLS$/,/# END REST_TLS$/d' -e '/# BEGIN UPSTREAM_TLS$/,/# END UPSTREAM_TLS$/d' envoy/envoy.yaml \
  | grep -o '\${[A-Z_]*}' | sort -u)"
for placeholder in $needed; do
  grep -qF "s|$placeholder|" Dockerfile || fail "the Dockerfile does not fill $placeholder of envoy/envoy.yaml"
done
passed "Dockerfile fills $(echo $needed | wc -w) placeholders: $(echo $needed)"
for path in /app/churnwire-server.jar /app/churnwire-kafka-bridge.jar /etc/envoy/churnwire.pb; do
  grep -qF "$path" Dockerfile || fail "the chart runs $path, which the Dockerfile does not put in its image"
done
passed "the chart's entry points exist in the Dockerfile's images"

echo "test-deploy: $checks passed, 0 failed"
