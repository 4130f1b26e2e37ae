#!/usr/bin/env bash
# Runs the JMH scoring benchmarks. Arguments go to JMH, e.g.
#   scripts/bench.sh -p data=../shared/data/telco_customer_churn.csv
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$churnwire_root"
./mvnw -B -q -pl benchmarks -am package -DskipTests
exec java -jar benchmarks/target/benchmarks.jar "$@"
