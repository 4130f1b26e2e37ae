#!/usr/bin/env bash
# Starts Envoy in front of a Churnwire server that is already running (scripts/run.sh): REST/JSON
# on port 8080, transcoded to gRPC on 127.0.0.1:50051; Envoy's admin API on 127.0.0.1:9901 only.
# Renders envoy/envoy.yaml into envoy/target/envoy.yaml and runs .tools/bin/envoy (or $ENVOY).
# `scripts/envoy.sh --help` lists the options.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$churnwire_root"

rest_address="${CHURNWIRE_REST_ADDRESS:-0.0.0.0}"
rest_port="${CHURNWIRE_REST_PORT:-8080}"
admin_port="${CHURNWIRE_ENVOY_ADMIN_PORT:-9901}"
upstream="${CHURNWIRE_UPSTREAM:-127.0.0.1:50051}"

usage() {
  cat <<'HELP'
Usage: scripts/envoy.sh [options]

Runs Envoy with envoy/envoy.yaml in front of a running Churnwire server (start it with
scripts/run.sh first). Stop it with Ctrl-C.

  --rest-address=ADDR   address the REST listener binds   (CHURNWIRE_REST_ADDRESS, default 0.0.0.0)
  --rest-port=PORT      REST port                         (CHURNWIRE_REST_PORT, default 8080)
  --admin-port=PORT     Envoy admin port on 127.0.0.1     (CHURNWIRE_ENVOY_ADMIN_PORT, default 9901)
  --upstream=HOST:PORT  the Churnwire gRPC server         (CHURNWIRE_UPSTREAM, default 127.0.0.1:50051)
  --help                this text

The Envoy binary is $ENVOY, else .tools/bin/envoy (scripts/install-tools.sh installs it).
HELP
}

for arg in "$@"; do
  case "$arg" in
    --rest-address=*) rest_address="${arg#*=}" ;;
    --rest-port=*) rest_port="${arg#*=}" ;;
    --admin-port=*) admin_port="${arg#*=}" ;;
    --upstream=*) upstream="${arg#*=}" ;;
    --help|-h) usage; exit 0 ;;
    *) echo "envoy.sh: unknown option $arg (see --help)" >&2; exit 2 ;;
  esac
done

upstream_host="${upstream%:*}"
upstream_port="${upstream##*:}"
for value in "$rest_port" "$admin_port" "$upstream_port"; do
  if ! [[ "$value" =~ ^[0-9]+$ ]]; then
    echo "envoy.sh: '$value' is not a port number" >&2
    exit 2
  fi
done
if [ -z "$upstream_host" ] || [ "$upstream_host" = "$upstream" ]; then
  echo "envoy.sh: --upstream must be HOST:PORT, got '$upstream'" >&2
  exit 2
fi

envoy_bin="${ENVOY:-$churnwire_root/.tools/bin/envoy}"
if [ ! -x "$envoy_bin" ]; then
  echo "envoy.sh: no Envoy at $envoy_bin; run scripts/install-tools.sh or set ENVOY" >&2
  exit 1
fi

# The transcoder's descriptor set comes from the contracts build; refresh it when the protos moved.
descriptor="$churnwire_root/contracts/target/descriptors/churnwire.pb"
if [ ! -f "$descriptor" ] || [ -n "$(find proto contracts/pom.xml -newer "$descriptor" -print -quit)" ]; then
  ./mvnw -B -q -pl contracts generate-sources
fi

config="$churnwire_root/envoy/target/envoy.yaml"
mkdir -p "$(dirname "$config")"
sed -e "s|\${REST_ADDRESS}|$rest_address|g" \
    -e "s|\${REST_PORT}|$rest_port|g" \
    -e "s|\${ADMIN_PORT}|$admin_port|g" \
    -e "s|\${UPSTREAM_HOST}|$upstream_host|g" \
    -e "s|\${UPSTREAM_PORT}|$upstream_port|g" \
    -e "s|\${DESCRIPTOR}|$descriptor|g" \
    envoy/envoy.yaml > "$config"

echo "churnwire-envoy: REST on http://$rest_address:$rest_port -> gRPC $upstream_host:$upstream_port;" \
  "admin on 127.0.0.1:$admin_port"
echo "churnwire-envoy: try  curl -s localhost:$rest_port/v1/model"
exec "$envoy_bin" --config-path "$config" --disable-hot-restart --log-level "${ENVOY_LOG_LEVEL:-warn}"
