#!/usr/bin/env bash
# Runs buf (lint by default; any buf arguments otherwise) on proto/, after extracting the googleapis
# imports from the proto-google-common-protos jar that the Maven build resolves.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
version=$(sed -n 's:.*<common-protos.version>\(.*\)</common-protos.version>.*:\1:p' pom.xml)
jar="${MAVEN_REPO:-$HOME/.m2/repository}/com/google/api/grpc/proto-google-common-protos/$version/proto-google-common-protos-$version.jar"
[ -f "$jar" ] || ./mvnw -B -q dependency:get -Dartifact="com.google.api.grpc:proto-google-common-protos:$version" >/dev/null
mkdir -p .tools/googleapis
(cd .tools/googleapis && unzip -q -o "$jar" 'google/api/*.proto' 'google/rpc/*.proto' 'google/type/*.proto')
buf="${BUF:-$root/.tools/bin/buf}"
if [ "$#" -eq 0 ]; then set -- lint; fi
exec "$buf" "$@"
