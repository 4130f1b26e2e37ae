#!/usr/bin/env bash
# The reliability campaign against real processes: the packaged server, Envoy, a Kafka broker and
# the bridge. Long form by default (about 10 minutes); --short is the form the build runs.
# `scripts/reliability.sh --help` lists the options. Exits 1 when an expectation broke.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$churnwire_root"

case " $* " in
  *" --help "*|*" -h "*) ;;
  *) ./mvnw -B -q -pl reliability -am package -DskipTests ;;
esac
exec java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xmx1g \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dchurnwire.root="$churnwire_root" \
  -jar reliability/target/churnwire-reliability.jar "$@"
