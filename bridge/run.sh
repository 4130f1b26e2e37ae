#!/usr/bin/env bash
# Runs the bridge command line: run | simulate | read | outcomes | benchmark (see bridge/README.md); benchmark
# is the bridge/benchmark module's jar, the others the bridge's. Rebuilds the jar it runs when the
# jar is missing or older than a source or pom it is built from.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/env.sh"
root="$churnwire_root"
sources=("$root/proto" "$root/contracts/src" "$root/runtime/src" "$root/datasets/src" "$root/config/src"
  "$root/telemetry/src" "$root/clients/java/src" "$root/bridge/src" "$root/pom.xml" "$root/contracts/pom.xml"
  "$root/runtime/pom.xml" "$root/datasets/pom.xml" "$root/config/pom.xml" "$root/telemetry/pom.xml"
  "$root/clients/java/pom.xml" "$root/bridge/pom.xml")
if [ "${1:-}" = benchmark ]; then
  shift
  module=bridge/benchmark
  jar="$root/bridge/benchmark/target/churnwire-kafka-bridge-benchmark-0.1.0-SNAPSHOT.jar"
  sources+=("$root/bridge/benchmark/src" "$root/bridge/benchmark/pom.xml")
else
  module=bridge
  jar="$root/bridge/target/churnwire-kafka-bridge-0.1.0-SNAPSHOT.jar"
fi
if [ ! -f "$jar" ] || [ -n "$(find "${sources[@]}" -newer "$jar" -print -quit 2>/dev/null)" ]; then
  # -am: Maven resolves the test dependencies (the server) even with -DskipTests, so a fresh
  # checkout builds them too. forceCreation: a pom change alone must still leave a newer jar.
  "$root/mvnw" -B -q -f "$root/pom.xml" -pl "$module" -am package -DskipTests -Dmaven.jar.forceCreation
fi
exec java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -jar "$jar" "$@"
