#!/usr/bin/env bash
# Runs buf on proto/, after extracting the googleapis imports from the proto-google-common-protos jar
# that the Maven build resolves (no remote registry is needed).
#   scripts/buf.sh                  lint (STANDARD + COMMENTS)
#   scripts/buf.sh breaking [REF]   breaking-change check (FILE rules) against git REF; the default
#                                   is the first published churnwire.v1 contract, so v1 only grows
#   scripts/buf.sh <buf args…>      anything else, passed to buf as is
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
version=$(sed -n 's:.*<common-protos.version>\(.*\)</common-protos.version>.*:\1:p' pom.xml)
jar=".tools/proto-jars/proto-google-common-protos-$version.jar"
if [ ! -f "$jar" ]; then
  # Copied out by Maven itself, so this script need not know where the local repository is.
  ./mvnw -B -q -N dependency:copy -Dartifact="com.google.api.grpc:proto-google-common-protos:$version" \
    -DoutputDirectory=.tools/proto-jars >/dev/null
fi
mkdir -p .tools/googleapis
(cd .tools/googleapis && unzip -q -o "$root/$jar" 'google/api/*.proto' 'google/rpc/*.proto' 'google/type/*.proto')
buf="${BUF:-$root/.tools/bin/buf}"

if [ "$#" -eq 0 ]; then
  set -- lint
fi
if [ "$1" = "breaking" ] && [ "$#" -le 2 ]; then
  baseline="${2:-a66eed9}"
  if ! git cat-file -e "$baseline^{commit}" 2>/dev/null; then
    if [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = "true" ]; then
      echo "buf breaking: skipped, $baseline is not in this shallow clone's history" >&2
      exit 0
    fi
    echo "buf breaking: no commit $baseline in this repository" >&2
    exit 1
  fi
  against="$(mktemp -d)"
  trap 'rm -rf "$against"' EXIT
  git archive "$baseline" proto buf.yaml | tar -x -C "$against"
  mkdir -p "$against/.tools"
  cp -r .tools/googleapis "$against/.tools/"
  "$buf" breaking --against "$against"
  echo "buf breaking: no breaking change against $baseline"
  exit 0
fi
exec "$buf" "$@"
