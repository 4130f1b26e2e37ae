#!/usr/bin/env bash
# Runs every check and test: buf lint and the breaking-change check on the contracts, the Maven
# build with unit and integration tests of every module, the deployment files' offline checks,
# then the Python client's tests.
# Installs the tools it needs into .tools/ first.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$churnwire_root"

echo "== tools"
scripts/install-tools.sh

echo "== buf lint"
scripts/buf.sh lint
echo "buf lint: no findings"
scripts/buf.sh breaking

echo "== maven verify (unit and integration tests)"
./mvnw -B verify

echo "== deployment: Helm chart, Envoy configuration, docker-compose.yml (offline)"
scripts/test-deploy.sh

echo "== python client (pytest against the packaged server)"
scripts/test-python.sh
