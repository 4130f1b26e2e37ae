#!/usr/bin/env bash
# The reliability campaign against real processes: the packaged server, Envoy, a Kafka broker and
# the bridge, and in scenario 6 two servers behind one Envoy with two bridges (rolling restarts,
# bridge kills, and control runs without the drain delay or the retries). Long form by default
# (about 20 minutes); --short is the form the build runs.
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
