#!/usr/bin/env bash
# Builds the server and starts it on its embedded defaults (port 50051, the admin port 50052 on
# 127.0.0.1, model registry ./models/default, prediction history in ./var/predictions.duckdb).
# When the registry has no production model yet, the trainer first trains, registers and promotes
# the demo model into it (`churnwire-model init --demo`); the server itself never trains. Extra
# arguments go to the server; `scripts/run.sh --help` lists them.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$churnwire_root"
jar=server/target/churnwire-server.jar
if [ ! -f "$jar" ] || [ -n "$(find proto contracts/src runtime/src config/src telemetry/src history/src monitoring/src console/src console/package.json console/package-lock.json envoy/openapi/churnwire.swagger.json server/src pom.xml */pom.xml -newer "$jar" -print -quit 2>/dev/null)" ]; then
  ./mvnw -B -q -pl server -am package -DskipTests
fi
registry="${CHURNWIRE_MODEL_DIR:-models/default}"
previous=""
for arg in "$@"; do
  case "$arg" in
    --model-dir=*) registry="${arg#--model-dir=}" ;;
    --help|-h) exec java -jar "$jar" --help ;;
  esac
  if [ "$previous" = "--model-dir" ]; then
    registry="$arg"
  fi
  previous="$arg"
done
if [ ! -s "$registry/production" ]; then
  CHURNWIRE_MODEL_DIR="$registry" scripts/churnwire-model.sh init --demo --registry "$registry"
fi
exec java -Xmx1g -jar "$jar" "$@"
