#!/usr/bin/env bash
# Starts a single-node KRaft Kafka on 127.0.0.1 (default ports 9092 and 9093, data in
# /tmp/churnwire-kafka); flags: --data-dir DIR --port N --controller-port N --partitions N.
# Builds the module first when its jar is missing; needs JDK 25 (JAVA_HOME or on PATH).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/target/churnwire-kafka-local-0.1.0-SNAPSHOT.jar"
if [[ -z "${JAVA_HOME:-}" && -d /usr/lib/jvm/temurin-25-jdk-amd64 ]]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if [[ ! -f "$jar" ]]; then
  "$here/../mvnw" -B -q -f "$here/pom.xml" package -DskipTests
fi
exec "$java" --sun-misc-unsafe-memory-access=allow -Xmx1g -jar "$jar" "$@"
