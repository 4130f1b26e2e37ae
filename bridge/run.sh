#!/usr/bin/env bash
# Runs the bridge command line: run | simulate | read | benchmark (see bridge/README.md).
# Builds the module first when its jar is missing; needs JDK 25 (JAVA_HOME or on PATH).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/target/churnwire-kafka-bridge-0.1.0-SNAPSHOT.jar"
if [[ -z "${JAVA_HOME:-}" && -d /usr/lib/jvm/temurin-25-jdk-amd64 ]]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if [[ ! -f "$jar" ]]; then
  "$here/../mvnw" -B -q -f "$here/../pom.xml" -pl contracts -am install -DskipTests
  "$here/../mvnw" -B -q -f "$here/pom.xml" package -DskipTests
fi
exec "$java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -jar "$jar" "$@"
