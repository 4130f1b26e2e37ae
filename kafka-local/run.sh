#!/usr/bin/env bash
# Starts a single-node KRaft Kafka on 127.0.0.1 (default ports 9092 and 9093, data in
# /tmp/churnwire-kafka); flags: --data-dir DIR --port N --controller-port N --partitions N.
# Rebuilds the module when its jar is missing or older than a source or pom.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/env.sh"
root="$churnwire_root"
jar="$root/kafka-local/target/churnwire-kafka-local-0.1.0-SNAPSHOT.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root/kafka-local/src" "$root/kafka-local/pom.xml" "$root/pom.xml" \
    -newer "$jar" -print -quit 2>/dev/null)" ]; then
  # forceCreation: a pom change alone must still leave a newer jar.
  "$root/mvnw" -B -q -f "$root/pom.xml" -pl kafka-local package -DskipTests -Dmaven.jar.forceCreation
fi
exec java --sun-misc-unsafe-memory-access=allow -Xmx1g -jar "$jar" "$@"
