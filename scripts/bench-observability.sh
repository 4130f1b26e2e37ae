#!/usr/bin/env bash
# What observability costs: unary Predict throughput with ghz against four servers running side by
# side on one machine, loaded in turn, round after round:
#   off      no metrics port, no trace export, no access log
#   metrics  metrics scraped every second
#   on       metrics, and every call traced and exported over OTLP/HTTP
#   on+log   as `on`, with the access line of every call written as JSON
# Prints a markdown table (also written to target/bench/observability.md) with each round's calls/s
# and the median ratio to `off`. Options: --rounds N (3), --calls N (100000), --concurrency N (50).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$churnwire_root"

rounds=3 calls=100000 concurrency=50
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --calls) calls="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

scripts/install-tools.sh --with-bench >/dev/null
./mvnw -B -q -pl server,trainer -am package -DskipTests
work="$(mktemp -d)"
out="target/bench"
mkdir -p "$out"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

CHURNWIRE_MODEL_DIR="$work/models" java -jar trainer/target/churnwire-trainer.jar init --demo >/dev/null

# An OTLP/HTTP receiver that accepts and drops spans, standing in for a collector.
python3 - "$work/otlp.port" <<'EOF' &
import http.server, sys
class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *args): pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sink)
open(sys.argv[1], "w").write(str(server.server_address[1]))
server.serve_forever()
EOF
pids+=($!)
for _ in $(seq 50); do [ -s "$work/otlp.port" ] && break; sleep 0.1; done
otlp="http://127.0.0.1:$(cat "$work/otlp.port")/v1/traces"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_server() { # name, extra args...
  local name="$1" port; shift
  port="$(free_port)"
  java -Xmx1g -jar server/target/churnwire-server.jar --host=127.0.0.1 --port="$port" --admin-port=0 \
    --model-dir="$work/models" --reload-interval-ms=0 --history=off "$@" >"$work/$name.out" 2>"$work/$name.log" &
  pids+=($!)
  for _ in $(seq 300); do
    grep -q "churnwire: listening" "$work/$name.out" 2>/dev/null && break
    sleep 0.1
  done
  echo "$port"
}

declare -A ports metrics
ports[off]="$(start_server off --metrics-port=-1 --access-log=false)"
ports[metrics]="$(start_server metrics --metrics-port=0 --access-log=false)"
ports[on]="$(start_server on --metrics-port=0 --access-log=false --otlp-endpoint="$otlp")"
ports[on+log]="$(start_server on-log --metrics-port=0 --access-log=true --log-format=json --otlp-endpoint="$otlp")"
for name in metrics on on+log; do
  file="$work/${name/+/-}.out"
  metrics[$name]="$(sed -n 's#.*metrics on http://[^:]*:\([0-9]*\)/metrics#\1#p' "$file")"
done

# Prometheus's scrape, once a second, for the servers that export metrics.
( while true; do
    for name in metrics on on+log; do curl -s -o /dev/null "http://127.0.0.1:${metrics[$name]}/metrics" || true; done
    sleep 1
  done ) &
pids+=($!)

request='{"customer_id":"7590-VHVEG","internet_service":"INTERNET_SERVICE_YES","number_dependents":0,
"number_referrals":0,"satisfaction_score":2,"tenure_in_months":3,"total_long_distance_charges":31.2,
"total_revenue":250.5,"contract":"CONTRACT_MONTH_TO_MONTH","payment_method":"PAYMENT_METHOD_MAILED_CHECK"}'

load() { # port, calls → calls/s
  .tools/bin/ghz --insecure --call churnwire.v1.ChurnService.Predict -d "$request" -c "$concurrency" \
    -n "$2" --format json "127.0.0.1:$1" 2>/dev/null \
    | python3 -c 'import json,sys; r=json.load(sys.stdin); print("%.0f" % r["rps"])'
}

names=(off metrics on on+log)
for name in "${names[@]}"; do load "${ports[$name]}" 50000 >/dev/null; done
declare -A results
for round in $(seq "$rounds"); do
  for name in "${names[@]}"; do
    results[$name]+="$(load "${ports[$name]}" "$calls") "
  done
done

{
  echo "| server | calls/s per round | median | ratio to off |"
  echo "|---|---|---|---|"
  median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  off_median="$(echo "${results[off]}" | median)"
  for name in "${names[@]}"; do
    m="$(echo "${results[$name]}" | median)"
    ratio="$(python3 -c "print('%.3f' % ($m / $off_median))")"
    echo "| $name | ${results[$name]% } | $m | $ratio |"
  done
  echo
  echo "ghz: unary Predict, $concurrency concurrent calls, $calls calls per round, $rounds rounds;" \
    "$(nproc) cores, $(date -u +%Y-%m-%d)."
} | tee "$out/observability.md"
