#!/usr/bin/env bash
# Installs the Python client (clients/python) into the tools venv with pip, which generates its gRPC
# stubs from proto/ during the build, then runs its pytest suite against the packaged server jar.
# Expects server/target/churnwire-server.jar and trainer/target/churnwire-trainer.jar from the Maven
# build that runs before it. Extra
# arguments go to pytest. Fails when any test fails and when no test ran at all.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$churnwire_root"

venv="$churnwire_root/.tools/venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/requirements-tools.txt

for jar in server/target/churnwire-server.jar trainer/target/churnwire-trainer.jar; do
  if [ ! -f "$jar" ]; then
    echo "churnwire: $jar is missing; build it first: ./mvnw -B -pl server,trainer -am package -DskipTests" >&2
    exit 1
  fi
done

# A real install: pip builds a wheel from the directory (which generates the stubs) and installs it
# with its dependencies; a local directory is rebuilt and reinstalled on every run.
# With its test extras: trustme makes the certificates of the TLS tests.
"$venv/bin/pip" install --quiet --disable-pip-version-check "./clients/python[test]"

cd clients/python
status=0
"$venv/bin/python" -m pytest "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "churnwire: pytest collected no tests" >&2
fi
exit "$status"
