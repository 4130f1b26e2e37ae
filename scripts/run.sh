#!/usr/bin/env bash
# Builds the server and starts it on its embedded defaults (port 50051, demo model trained on
# synthetic data into ./models/default on first start). Extra arguments go to the server;
# `scripts/run.sh --help` lists them.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$churnwire_root"
jar=server/target/churnwire-server.jar
if [ ! -f "$jar" ] || [ -n "$(find proto contracts/src model/src server/src pom.xml */pom.xml -newer "$jar" -print -quit 2>/dev/null)" ]; then
  ./mvnw -B -q -pl server -am package -DskipTests
fi
exec java -Xmx1g -jar "$jar" "$@"
