#!/usr/bin/env bash
# Starts Envoy in front of a Churnwire server that is already running (scripts/run.sh): REST/JSON
# on port 8080, transcoded to gRPC on 127.0.0.1:50051, and the web console (/console/) and Swagger
# UI (/docs/) from the server's HTTP port 127.0.0.1:9464; Envoy's admin API on 127.0.0.1:9901 only.
# Optionally TLS (or mTLS) on the REST listener and TLS (or mTLS) to the server.
# Renders envoy/envoy.yaml into envoy/target/envoy.yaml (and, with TLS, the SDS files of
# envoy/secrets/ into envoy/target/envoy.secrets/) and runs .tools/bin/envoy (or $ENVOY).
# `scripts/envoy.sh --help` lists the options.
set -euo pipefail
invoked_from="$PWD"
source "$(dirname "$0")/env.sh"
cd "$churnwire_root"

rest_address="${CHURNWIRE_REST_ADDRESS:-0.0.0.0}"
rest_port="${CHURNWIRE_REST_PORT:-8080}"
admin_port="${CHURNWIRE_ENVOY_ADMIN_PORT:-9901}"
upstream="${CHURNWIRE_UPSTREAM:-127.0.0.1:50051}"
http_upstream="${CHURNWIRE_HTTP_UPSTREAM:-127.0.0.1:9464}"
rest_tls_cert="${CHURNWIRE_REST_TLS_CERT_FILE:-}"
rest_tls_key="${CHURNWIRE_REST_TLS_KEY_FILE:-}"
rest_tls_client_ca="${CHURNWIRE_REST_TLS_CLIENT_CA_FILE:-}"
upstream_tls_ca="${CHURNWIRE_UPSTREAM_TLS_CA_FILE:-}"
upstream_tls_cert="${CHURNWIRE_UPSTREAM_TLS_CERT_FILE:-}"
upstream_tls_key="${CHURNWIRE_UPSTREAM_TLS_KEY_FILE:-}"
upstream_tls_server_name="${CHURNWIRE_UPSTREAM_TLS_SERVER_NAME:-}"
config="${CHURNWIRE_ENVOY_CONFIG:-$churnwire_root/envoy/target/envoy.yaml}"

usage() {
  cat <<'HELP'
Usage: scripts/envoy.sh [options] [-- envoy-options...]

Runs Envoy with envoy/envoy.yaml in front of a running Churnwire server (start it with
scripts/run.sh first). Stop it with Ctrl-C. Options after -- are passed to Envoy unchanged.

  --rest-address=ADDR   address the REST listener binds   (CHURNWIRE_REST_ADDRESS, default 0.0.0.0)
  --rest-port=PORT      REST port                         (CHURNWIRE_REST_PORT, default 8080)
  --admin-port=PORT     Envoy admin port on 127.0.0.1     (CHURNWIRE_ENVOY_ADMIN_PORT, default 9901)
  --upstream=HOST:PORT  the Churnwire gRPC server         (CHURNWIRE_UPSTREAM, default 127.0.0.1:50051)
  --http-upstream=HOST:PORT
                        the server's HTTP (metrics) port, which serves /console/ and /docs/
                        (CHURNWIRE_HTTP_UPSTREAM, default 127.0.0.1:9464; plain HTTP)
  --config-file=PATH    where the rendered configuration is written
                        (CHURNWIRE_ENVOY_CONFIG, default envoy/target/envoy.yaml)

TLS on the REST listener (HTTPS; plaintext REST clients are refused):
  --tls-cert-file=PATH         PEM certificate chain     (CHURNWIRE_REST_TLS_CERT_FILE)
  --tls-key-file=PATH          PEM private key           (CHURNWIRE_REST_TLS_KEY_FILE)
  --tls-client-ca-file=PATH    PEM CAs; REST clients must present a certificate they signed
                               (CHURNWIRE_REST_TLS_CLIENT_CA_FILE; needs --tls-cert-file)

TLS to the server (for a server started with --tls-cert-file):
  --upstream-tls-ca-file=PATH      PEM CAs the server's certificate must chain to; turns TLS on
                                   (CHURNWIRE_UPSTREAM_TLS_CA_FILE)
  --upstream-tls-server-name=NAME  name the server's certificate must carry, sent as SNI when it
                                   is a DNS name (CHURNWIRE_UPSTREAM_TLS_SERVER_NAME, default the
                                   host of --upstream)
  --upstream-tls-cert-file=PATH    Envoy's PEM certificate, for a server that requires mTLS
                                   (CHURNWIRE_UPSTREAM_TLS_CERT_FILE)
  --upstream-tls-key-file=PATH     its PEM private key (CHURNWIRE_UPSTREAM_TLS_KEY_FILE)

  --help                this text

Certificates, keys and CAs are watched: a PEM file replaced by moving a new one in place is used
for new connections without a restart.
A REST client's `authorization: Bearer <token>` header reaches the server unchanged; the server's
UNAUTHENTICATED and PERMISSION_DENIED answers become HTTP 401 and 403.
The Envoy binary is $ENVOY, else .tools/bin/envoy (scripts/install-tools.sh installs it).
HELP
}

fail() {
  echo "envoy.sh: $*" >&2
  exit 2
}

envoy_args=()
while [ $# -gt 0 ]; do
  arg="$1"
  shift
  case "$arg" in
    --rest-address=*) rest_address="${arg#*=}" ;;
    --rest-port=*) rest_port="${arg#*=}" ;;
    --admin-port=*) admin_port="${arg#*=}" ;;
    --upstream=*) upstream="${arg#*=}" ;;
    --http-upstream=*) http_upstream="${arg#*=}" ;;
    --config-file=*) config="${arg#*=}" ;;
    --tls-cert-file=*) rest_tls_cert="${arg#*=}" ;;
    --tls-key-file=*) rest_tls_key="${arg#*=}" ;;
    --tls-client-ca-file=*) rest_tls_client_ca="${arg#*=}" ;;
    --upstream-tls-ca-file=*) upstream_tls_ca="${arg#*=}" ;;
    --upstream-tls-cert-file=*) upstream_tls_cert="${arg#*=}" ;;
    --upstream-tls-key-file=*) upstream_tls_key="${arg#*=}" ;;
    --upstream-tls-server-name=*) upstream_tls_server_name="${arg#*=}" ;;
    --help|-h) usage; exit 0 ;;
    --) envoy_args=("$@"); break ;;
    *) fail "unknown option $arg (see --help)" ;;
  esac
done

upstream_host="${upstream%:*}"
upstream_port="${upstream##*:}"
http_upstream_host="${http_upstream%:*}"
http_upstream_port="${http_upstream##*:}"
for value in "$rest_port" "$admin_port" "$upstream_port" "$http_upstream_port"; do
  if ! [[ "$value" =~ ^[0-9]+$ ]]; then
    fail "'$value' is not a port number"
  fi
done
if [ -z "$upstream_host" ] || [ "$upstream_host" = "$upstream" ]; then
  fail "--upstream must be HOST:PORT, got '$upstream'"
fi
if [ -z "$http_upstream_host" ] || [ "$http_upstream_host" = "$http_upstream" ]; then
  fail "--http-upstream must be HOST:PORT, got '$http_upstream'"
fi

# A PEM file option, stored in the variable $1: made absolute against the directory the script
# was started from, and checked now, so a typo is named here rather than in Envoy's log.
pem_file() {
  local variable="$1" option="$2" path="$3"
  case "$path" in
    /*) ;;
    *) path="$invoked_from/$path" ;;
  esac
  if [ ! -f "$path" ] || [ ! -r "$path" ]; then
    fail "$option: no readable file at $path"
  fi
  case "$path" in
    *[\"\\]*) fail "$option: the path $path contains a quote or a backslash" ;;
  esac
  printf -v "$variable" '%s' "$path"
}

both_or_neither() {
  if [ -n "$2" ] && [ -z "$4" ]; then fail "$1 needs $3"; fi
  if [ -z "$2" ] && [ -n "$4" ]; then fail "$3 needs $1"; fi
}

both_or_neither --tls-cert-file "$rest_tls_cert" --tls-key-file "$rest_tls_key"
both_or_neither --upstream-tls-cert-file "$upstream_tls_cert" --upstream-tls-key-file "$upstream_tls_key"
if [ -n "$rest_tls_client_ca" ] && [ -z "$rest_tls_cert" ]; then
  fail "--tls-client-ca-file needs --tls-cert-file and --tls-key-file (mTLS is TLS first)"
fi
if [ -z "$upstream_tls_ca" ] && { [ -n "$upstream_tls_cert" ] || [ -n "$upstream_tls_server_name" ]; }; then
  fail "--upstream-tls-cert-file and --upstream-tls-server-name need --upstream-tls-ca-file"
fi

case "$config" in
  /*) ;;
  *) config="$invoked_from/$config" ;;
esac
# The SDS files of this configuration, written afresh on every start.
secrets_dir="${config%.yaml}.secrets"
rm -rf "$secrets_dir"

sed_replacement() {
  local escaped="${1//\\/\\\\}"
  escaped="${escaped//&/\\&}"
  printf '%s' "${escaped//|/\\|}"
}

# Each optional block of envoy.yaml is kept (its markers are comments) or deleted whole.
keep_or_delete=()
block() {
  local name="$1" wanted="$2"
  if [ -z "$wanted" ]; then
    keep_or_delete+=(-e "/# BEGIN $name\$/,/# END $name\$/d")
  fi
}
values=()
value() {
  values+=(-e "s|\${$1}|$(sed_replacement "$2")|g")
}

# An SDS file: envoy/secrets/$1.yaml rendered as $secrets_dir/$2.yaml with the PLACEHOLDER=value
# pairs that follow.
secret() {
  local template="$1" name="$2" pair
  local replacements=(-e "s|\${SECRET_NAME}|$name|g")
  shift 2
  mkdir -p -m 700 "$secrets_dir"
  for pair in "$@"; do
    replacements+=(-e "s|\${${pair%%=*}}|$(sed_replacement "${pair#*=}")|g")
  done
  sed "${replacements[@]}" "envoy/secrets/$template.yaml" > "$secrets_dir/$name.yaml.tmp"
  mv "$secrets_dir/$name.yaml.tmp" "$secrets_dir/$name.yaml"
}

rest_scheme=http
if [ -n "$rest_tls_cert" ]; then
  rest_scheme=https
  pem_file cert --tls-cert-file "$rest_tls_cert"
  pem_file key --tls-key-file "$rest_tls_key"
  secret tls-certificate rest_certificate "CERT_FILE=$cert" "KEY_FILE=$key"
  if [ -n "$rest_tls_client_ca" ]; then
    pem_file ca --tls-client-ca-file "$rest_tls_client_ca"
    secret validation-context rest_client_ca "CA_FILE=$ca"
  fi
fi
block REST_TLS "$rest_tls_cert"
block REST_TLS_CLIENT_CA "$rest_tls_client_ca"

upstream_description="gRPC $upstream_host:$upstream_port"
sni=""
if [ -n "$upstream_tls_ca" ]; then
  server_name="${upstream_tls_server_name:-$upstream_host}"
  if [[ "$server_name" =~ ^[0-9.]+$ || "$server_name" == *:* ]]; then
    value UPSTREAM_TLS_SAN_TYPE IP_ADDRESS
  elif [[ "$server_name" =~ ^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$ ]]; then
    value UPSTREAM_TLS_SAN_TYPE DNS
    sni=yes
  else
    fail "--upstream-tls-server-name: '$server_name' is neither a DNS name nor an IP address"
  fi
  value UPSTREAM_TLS_SERVER_NAME "$server_name"
  pem_file ca --upstream-tls-ca-file "$upstream_tls_ca"
  secret validation-context upstream_ca "CA_FILE=$ca"
  if [ -n "$upstream_tls_cert" ]; then
    pem_file cert --upstream-tls-cert-file "$upstream_tls_cert"
    pem_file key --upstream-tls-key-file "$upstream_tls_key"
    secret tls-certificate upstream_client_certificate "CERT_FILE=$cert" "KEY_FILE=$key"
  fi
  upstream_description="gRPC over TLS $upstream_host:$upstream_port (certificate for $server_name)"
fi
block UPSTREAM_TLS "$upstream_tls_ca"
block UPSTREAM_TLS_SNI "$sni"
block UPSTREAM_TLS_CLIENT_CERT "$upstream_tls_cert"

envoy_bin="${ENVOY:-$churnwire_root/.tools/bin/envoy}"
if [ ! -x "$envoy_bin" ]; then
  echo "envoy.sh: no Envoy at $envoy_bin; run scripts/install-tools.sh or set ENVOY" >&2
  exit 1
fi

# The transcoder's descriptor set comes from the contracts build; refresh it when the protos moved.
descriptor="$churnwire_root/contracts/target/descriptors/churnwire.pb"
if [ ! -f "$descriptor" ] || [ -n "$(find proto contracts/pom.xml -newer "$descriptor" -print -quit)" ]; then
  ./mvnw -B -q -pl contracts generate-sources
fi

value REST_ADDRESS "$rest_address"
value REST_PORT "$rest_port"
value ADMIN_PORT "$admin_port"
value UPSTREAM_HOST "$upstream_host"
value UPSTREAM_PORT "$upstream_port"
value HTTP_UPSTREAM_HOST "$http_upstream_host"
value HTTP_UPSTREAM_PORT "$http_upstream_port"
value DESCRIPTOR "$descriptor"
value SECRETS_DIR "$secrets_dir"
mkdir -p "$(dirname "$config")"
sed "${keep_or_delete[@]}" "${values[@]}" envoy/envoy.yaml > "$config.tmp"
rendered_files=("$config.tmp")
if [ -d "$secrets_dir" ]; then
  rendered_files+=("$secrets_dir"/*.yaml)
fi
for rendered in "${rendered_files[@]}"; do
  if leftover="$(grep -o '\${[A-Z_]*}' "$rendered")"; then
    rm -f "$config.tmp"
    fail "placeholder(s) without a value in $rendered: $(echo $leftover)"
  fi
done
mv "$config.tmp" "$config"

echo "churnwire-envoy: REST on $rest_scheme://$rest_address:$rest_port -> $upstream_description;" \
  "admin on 127.0.0.1:$admin_port"
echo "churnwire-envoy: console (from $http_upstream_host:$http_upstream_port) on $rest_scheme://localhost:$rest_port/console/," \
  "API docs on $rest_scheme://localhost:$rest_port/docs/"
echo "churnwire-envoy: try  curl -s ${rest_tls_cert:+--cacert CA.pem }$rest_scheme://localhost:$rest_port/v1/model"
exec "$envoy_bin" --config-path "$config" --disable-hot-restart --log-level "${ENVOY_LOG_LEVEL:-warn}" \
  ${envoy_args[@]+"${envoy_args[@]}"}
