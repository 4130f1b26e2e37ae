#!/usr/bin/env bash
# The model lifecycle command line: train, evaluate, list, promote, rollback, and score a customer file
# in bulk. Builds it when needed.
# `scripts/churnwire-model.sh --help` lists the commands; the registry defaults to ./models/default.
set -euo pipefail
source "$(dirname "$0")/env.sh"
jar="$churnwire_root/trainer/target/churnwire-trainer.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$churnwire_root"/proto "$churnwire_root"/runtime/src "$churnwire_root"/datasets/src "$churnwire_root"/training/src "$churnwire_root"/training/params "$churnwire_root"/trainer/src "$churnwire_root"/server/src/main "$churnwire_root"/clients/java/src/main "$churnwire_root"/config/src/main "$churnwire_root"/telemetry/src/main "$churnwire_root"/history/src/main "$churnwire_root"/monitoring/src/main "$churnwire_root"/pom.xml "$churnwire_root"/*/pom.xml -newer "$jar" -print -quit 2>/dev/null)" ]; then
  (cd "$churnwire_root" && ./mvnw -B -q -pl trainer -am package -DskipTests)
fi
export CHURNWIRE_MODEL_DIR="${CHURNWIRE_MODEL_DIR:-$churnwire_root/models/default}"
exec java -Xmx2g --enable-native-access=ALL-UNNAMED -jar "$jar" "$@"
