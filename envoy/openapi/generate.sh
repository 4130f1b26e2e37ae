#!/usr/bin/env bash
# Regenerates envoy/openapi/churnwire.swagger.json (every service Envoy transcodes, merged into one
# file) from the protos with protoc-gen-openapiv2, using the same build step (envoy/pom.xml,
# execution "openapi") that OpenApiIT checks the file against.
set -euo pipefail
source "$(dirname "$0")/../../scripts/env.sh"
cd "$churnwire_root"
if [ ! -x .tools/bin/protoc-gen-openapiv2 ]; then
  echo "protoc-gen-openapiv2 is missing from .tools/bin; run scripts/install-tools.sh" >&2
  exit 1
fi
./mvnw -B -q -pl envoy -am generate-sources
cp envoy/target/openapi/churnwire.swagger.json envoy/openapi/churnwire.swagger.json
echo "wrote envoy/openapi/churnwire.swagger.json"
