#!/usr/bin/env bash
# The benchmark suite: every interface measured in one run, each beside its baseline on the same
# machine, the two loaded in turn round after round, so that the ratios mean something on shared,
# noisy cores. Parts (--parts/--skip pick them; all by default):
#   jmh     JMH, in-process scoring: a short selection of ScoringBenchmark (gbt)
#   grpc    ghz, unary Predict: the server beside NoopChurnService (same contract, no scoring)
#   rest    wrk, REST POST /v1/customers:predict through Envoy: Envoy in front of the server
#           beside Envoy in front of the no-op service
#   stream  one PredictBatch stream's items/s (io.churnwire.benchmarks.StreamThroughput)
#   bridge  the Kafka bridge end to end beside raw Kafka produce->consume (bridge/run.sh benchmark,
#           against a kafka-local broker started here)
#   bulk    bulk scoring rows/s (scripts/bench-score.sh)
# A part whose tool is not in this checkout is skipped and named in the results.
# Writes benchmarks/results/<UTC time>/ (results.md, figures.json, throughput.png, latency.png)
# and points benchmarks/results/latest at it; prints the table.
#
#   scripts/bench.sh                     the whole suite (about 10 minutes on 2 busy cores, after the build)
#   scripts/bench.sh --quick             a short form (about 4 to 5 minutes)
#   scripts/bench.sh --parts grpc,rest   only those parts
#   scripts/bench.sh jmh [JMH args]      JMH alone, e.g. scripts/bench.sh jmh -p data=telco.csv
# Options: --quick, --parts LIST, --skip LIST, --rounds N, --duration S (per round), --concurrency N
# (ghz calls and wrk connections), --stream-items N, --bridge-records N, --bulk-rows N,
# --results DIR (benchmarks/results).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$churnwire_root"

if [ "${1:-}" = jmh ]; then
  shift
  ./mvnw -B -q -pl benchmarks -am package -DskipTests
  exec java -jar benchmarks/target/benchmarks.jar "$@"
fi

all_parts=(jmh grpc rest stream bridge bulk)
mode=full rounds="" duration="" concurrency=50 stream_items="" bridge_records="" bulk_rows=""
parts="$(IFS=,; echo "${all_parts[*]}")" skip="" results=benchmarks/results
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick; shift ;;
    --parts) parts="$2"; shift 2 ;;
    --skip) skip="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --stream-items) stream_items="$2"; shift 2 ;;
    --bridge-records) bridge_records="$2"; shift 2 ;;
    --bulk-rows) bulk_rows="$2"; shift 2 ;;
    --results) results="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
for part in ${parts//,/ } ${skip//,/ }; do
  [[ " ${all_parts[*]} " == *" $part "* ]] || { echo "bench.sh: no part '$part' (parts: ${all_parts[*]})" >&2; exit 2; }
done
for value in ${rounds:-1} ${duration:-1} "$concurrency" ${stream_items:-1} ${bridge_records:-1} ${bulk_rows:-1}; do
  [[ "$value" =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: '$value' is not a positive whole number" >&2; exit 2; }
done
if [ "$mode" = quick ]; then
  : "${rounds:=2}" "${duration:=5}" "${stream_items:=200000}" "${bridge_records:=20000}" "${bulk_rows:=200000}"
  warmup_calls=20000 warmup_seconds=3 jmh_args=(-wi 1 -i 2 -w 1s -r 1s)
else
  : "${rounds:=3}" "${duration:=20}" "${stream_items:=1000000}" "${bridge_records:=100000}" "${bulk_rows:=1000000}"
  warmup_calls=100000 warmup_seconds=10 jmh_args=(-wi 3 -i 5 -w 2s -r 2s)
fi
wanted() { [[ ",$parts," == *",$1,"* && ",$skip," != *",$1,"* ]]; }

scripts/install-tools.sh --with-bench >/dev/null
modules=server,trainer,benchmarks
wanted bridge && modules+=,bridge/benchmark,kafka-local
./mvnw -B -q -pl "$modules" -am package -DskipTests -Dmaven.jar.forceCreation
jar=benchmarks/target/benchmarks.jar

work="$(mktemp -d)"
mkdir -p "$work/parts"
cleanup() {
  for file in "$work"/*.pid; do [ -f "$file" ] && kill "$(cat "$file")" 2>/dev/null || true; done
  for file in "$work"/*.pid; do
    [ -f "$file" ] || continue
    for _ in $(seq 100); do kill -0 "$(cat "$file")" 2>/dev/null || break; sleep 0.1; done
  done
  rm -rf "$work"
}
trap cleanup EXIT
log() { echo "bench: $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# A part's figures: one JSON object {"measurements": [...], "ratios": [...], "notes": [...]} (or
# {"skipped": "reason"}) in $work/parts/, in the order the parts ran.
part_file() { echo "$work/parts/$(ls "$work/parts" | wc -l | awk '{printf "%02d", $1}')-$1.json"; }
skip_part() { # part, reason
  log "skipping $1: $2"
  python3 -c 'import json,sys; print(json.dumps({"part": sys.argv[1], "skipped": sys.argv[2]}))' "$1" "$2" >"$(part_file "$1")"
}
# Waits until $2 (a file) holds the text $3, for a process whose pid file is $work/$1.pid.
await_line() { # name, file, text, seconds
  for _ in $(seq $(($4 * 10))); do
    grep -q "$3" "$2" 2>/dev/null && return 0
    kill -0 "$(cat "$work/$1.pid")" 2>/dev/null || break
    sleep 0.1
  done
  echo "bench: $1 did not start; its output:" >&2
  tail -n 30 "$2" >&2
  exit 1
}

request='{"customer_id":"7590-VHVEG","internet_service":"INTERNET_SERVICE_YES","number_dependents":0,"number_referrals":0,"satisfaction_score":2,"tenure_in_months":3,"total_long_distance_charges":31.2,"total_revenue":250.5,"contract":"CONTRACT_MONTH_TO_MONTH","payment_method":"PAYMENT_METHOD_MAILED_CHECK"}'
server_flags=(--history=off --access-log=false --metrics-port=-1 --reload-interval-ms=0)
notes=()

server_port=""
start_server() {
  [ -n "$server_port" ] && return
  CHURNWIRE_MODEL_DIR="$work/models" java -jar trainer/target/churnwire-trainer.jar init --demo >/dev/null
  server_port="$(free_port)"
  java -Xmx1g -jar server/target/churnwire-server.jar --host=127.0.0.1 --port="$server_port" --admin-port=0 \
    --model-dir="$work/models" "${server_flags[@]}" >"$work/server.out" 2>"$work/server.log" &
  echo $! >"$work/server.pid"
  await_line server "$work/server.out" "churnwire: listening" 60
}
noop_port=""
start_noop() {
  [ -n "$noop_port" ] && return
  noop_port="$(free_port)"
  java -Xmx1g -cp "$jar" io.churnwire.benchmarks.NoopChurnService --port "$noop_port" >"$work/noop.out" 2>&1 &
  echo $! >"$work/noop.pid"
  await_line noop "$work/noop.out" "noop: listening" 30
}

# Medians over rounds and the ratio of two sides, as one part's JSON; the rounds come as
# "name rate p50 p90 p99" lines on stdin (milliseconds).
summarise() { # part, interface, unit, measured-name, baseline-name, target
  python3 -c '
import json, statistics, sys
part, iface, unit, measured, baseline, target = sys.argv[1:7]
rounds = {}
for line in sys.stdin:
    name, *values = line.split()
    rounds.setdefault(name, []).append([float(v) for v in values])
out = {"part": part, "measurements": [], "ratios": []}
medians = {}
for name in (measured, baseline):
    runs = rounds[name]
    medians[name] = statistics.median(r[0] for r in runs)
    p = [statistics.median(r[i] for r in runs) for i in (1, 2, 3)]
    out["measurements"].append({"part": part, "iface": iface, "subject": name, "baseline": name == baseline,
        "throughput": medians[name], "unit": unit, "p50_ms": p[0], "p90_ms": p[1], "p99_ms": p[2],
        "rounds": [r[0] for r in runs]})
out["ratios"].append({"name": "%s, %s / %s" % (iface, measured, baseline),
    "value": medians[measured] / medians[baseline], "target": float(target)})
print(json.dumps(out))' "$@"
}

run_jmh() {
  log "jmh: ScoringBenchmark compiledSingleRow, compiledBlockPerRow, validateScoreAndAnswer (gbt)"
  java -jar "$jar" 'ScoringBenchmark\.(compiledSingleRow|compiledBlockPerRow|validateScoreAndAnswer)$' \
    -p algorithm=gbt -f 1 "${jmh_args[@]}" -rf json -rff "$work/jmh.json" >"$work/jmh.out" 2>&1 \
    || { tail -n 20 "$work/jmh.out" >&2; exit 1; }
  python3 - "$work/jmh.json" "${jmh_args[*]}" >"$(part_file jmh)" <<'EOF'
import json, sys
runs, args = json.load(open(sys.argv[1])), sys.argv[2]
out = {"part": "jmh", "measurements": [], "notes": []}
for run in runs:
    name = run["benchmark"].rsplit(".", 1)[1]
    score, unit = run["primaryMetric"]["score"], run["primaryMetric"]["scoreUnit"]
    assert unit == "ns/op", unit
    out["measurements"].append({"part": "jmh", "iface": "in process, %s" % name,
        "subject": run["params"]["algorithm"], "baseline": False, "throughput": 1e9 / score, "unit": "rows/s"})
    out["notes"].append("JMH %s (%s): %.1f ns per row." % (name, run["params"]["algorithm"], score))
out["notes"].append("JMH: ScoringBenchmark on synthetic data, one fork, %s." % args)
print(json.dumps(out))
EOF
}

run_grpc() {
  start_server
  start_noop
  local protoset=contracts/target/descriptors/churnwire.pb
  # One ghz run of a fixed number of calls (none cut off): prints "calls/s p50 p90 p99 ok".
  ghz_load() { # port, calls
    .tools/bin/ghz --insecure --protoset "$protoset" --call churnwire.v1.ChurnService.Predict -d "$request" \
      -c "$concurrency" -n "$2" --format json "127.0.0.1:$1" 2>/dev/null | python3 -c '
import json, sys
r = json.load(sys.stdin)
lat = {d["percentage"]: d["latency"] / 1e6 for d in r.get("latencyDistribution") or []}
ok = r.get("statusCodeDistribution", {}).get("OK", 0)
print("%.1f %.3f %.3f %.3f %d" % (r["rps"], lat.get(50, 0), lat.get(90, 0), lat.get(99, 0), ok))'
  }
  log "grpc: warm-up, $warmup_calls calls each"
  local rps p50 p90 p99 ok calls round name errors=0
  read -r _ _ _ _ _ <<<"$(ghz_load "$server_port" "$warmup_calls")"
  read -r rps _ _ _ _ <<<"$(ghz_load "$noop_port" "$warmup_calls")"
  calls="$(python3 -c "print(max(1000, int($rps * $duration)))")"
  for round in $(seq "$rounds"); do
    names=(server no-op)
    [ $((round % 2)) -eq 0 ] && names=(no-op server)
    for name in "${names[@]}"; do
      local port="$server_port"
      [ "$name" = no-op ] && port="$noop_port"
      read -r rps p50 p90 p99 ok <<<"$(ghz_load "$port" "$calls")"
      errors=$((errors + calls - ok))
      log "grpc round $round $name: $rps calls/s, p50 $p50 ms, p99 $p99 ms"
      echo "$name $rps $p50 $p90 $p99" >>"$work/grpc.rounds"
    done
  done
  summarise grpc "gRPC Predict" calls/s server no-op 0.95 <"$work/grpc.rounds" | python3 -c '
import json, sys
out = json.load(sys.stdin)
out["notes"] = ["ghz: unary Predict, %s concurrent calls on one connection, %s calls per round (about %s s at the no-op rate), %s rounds alternating which side goes first; %s calls not answered OK."
    % tuple(sys.argv[1:6])]
print(json.dumps(out))' "$concurrency" "$calls" "$duration" "$rounds" "$errors" >"$(part_file grpc)"
}

run_rest() {
  start_server
  start_noop
  if ! command -v wrk >/dev/null; then
    skip_part rest "wrk is not installed (scripts/install-tools.sh --with-bench installs Debian's wrk)"
    return
  fi
  declare -A rest_ports
  local name upstream
  for name in server no-op; do
    upstream="$server_port"
    [ "$name" = no-op ] && upstream="$noop_port"
    rest_ports[$name]="$(free_port)"
    scripts/envoy.sh --rest-address=127.0.0.1 --rest-port="${rest_ports[$name]}" --admin-port="$(free_port)" \
      --upstream="127.0.0.1:$upstream" --http-upstream="127.0.0.1:$upstream" \
      --config-file="$work/envoy-$name.yaml" >"$work/envoy-$name.log" 2>&1 &
    echo $! >"$work/envoy-$name.pid"
  done
  for name in server no-op; do
    # Ready once its health check has found the upstream SERVING and a predict goes through.
    for _ in $(seq 300); do
      [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'content-type: application/json' -d "$request" \
        "http://127.0.0.1:${rest_ports[$name]}/v1/customers:predict")" = 200 ] && break
      sleep 0.2
    done
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'content-type: application/json' -d "$request" \
      "http://127.0.0.1:${rest_ports[$name]}/v1/customers:predict")" = 200 ] \
      || { echo "bench: Envoy in front of $name does not answer predict:" >&2; tail -n 20 "$work/envoy-$name.log" >&2; exit 1; }
  done
  # One wrk run: prints "requests/s p50 p90 p99 bad" (bad: non-2xx answers and socket errors).
  wrk_load() { # port, seconds
    CHURNWIRE_BENCH_BODY="$request" wrk -t2 -c"$concurrency" -d"$2s" -s benchmarks/wrk/predict.lua \
      "http://127.0.0.1:$1/v1/customers:predict" | tail -n 1 | python3 -c '
import json, sys
r = json.load(sys.stdin)
print("%.1f %.3f %.3f %.3f %d" % (r["requests"] / (r["duration_us"] / 1e6), r["p50_us"] / 1e3,
    r["p90_us"] / 1e3, r["p99_us"] / 1e3, r["non_2xx"] + r["socket_errors"]))'
  }
  log "rest: warm-up, $warmup_seconds s each"
  wrk_load "${rest_ports[server]}" "$warmup_seconds" >/dev/null
  wrk_load "${rest_ports[no-op]}" "$warmup_seconds" >/dev/null
  local rps p50 p90 p99 bad round errors=0
  for round in $(seq "$rounds"); do
    names=(server no-op)
    [ $((round % 2)) -eq 0 ] && names=(no-op server)
    for name in "${names[@]}"; do
      read -r rps p50 p90 p99 bad <<<"$(wrk_load "${rest_ports[$name]}" "$duration")"
      errors=$((errors + bad))
      log "rest round $round $name: $rps requests/s, p50 $p50 ms, p99 $p99 ms"
      echo "$name $rps $p50 $p90 $p99" >>"$work/rest.rounds"
    done
  done
  for name in server no-op; do kill "$(cat "$work/envoy-$name.pid")" 2>/dev/null || true; done
  summarise rest "REST Predict via Envoy" requests/s server no-op 0.95 <"$work/rest.rounds" | python3 -c '
import json, sys
out = json.load(sys.stdin)
out["notes"] = ["wrk: POST /v1/customers:predict (JSON), 2 threads, %s connections, %s s per round, %s rounds alternating which side goes first; Envoy from envoy/envoy.yaml (scripts/envoy.sh) in front of each; %s answers not 2xx or socket errors."
    % tuple(sys.argv[1:5])]
print(json.dumps(out))' "$concurrency" "$duration" "$rounds" "$errors" >"$(part_file rest)"
}

run_stream() {
  if ! python3 -c 'import sys, zipfile; sys.exit("io/churnwire/benchmarks/StreamThroughput.class" not in zipfile.ZipFile(sys.argv[1]).namelist())' "$jar"; then
    skip_part stream "io.churnwire.benchmarks.StreamThroughput is not in this checkout's benchmarks jar"
    return
  fi
  start_server
  log "stream: one PredictBatch stream of $stream_items items"
  java -Xmx1g -cp "$jar" io.churnwire.benchmarks.StreamThroughput --target "127.0.0.1:$server_port" \
    --items "$stream_items" --warmup "$((stream_items / 5))" --json "$work/stream.json" >"$work/stream.out" 2>&1 \
    || { tail -n 20 "$work/stream.out" >&2; exit 1; }
  python3 - "$work/stream.json" >"$(part_file stream)" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
print(json.dumps({"part": "stream", "measurements": [{"part": "stream", "iface": "PredictBatch, one stream",
    "subject": "server", "baseline": False, "throughput": r["items_per_second"], "unit": "items/s"}],
    "notes": ["PredictBatch: one stream of %d items in %.1f s, %d errors (StreamThroughput); target 100,000 items/s."
        % (r["items"], r["seconds"], r["errors"])]}))
EOF
}

run_bridge() {
  start_server
  local kafka_port
  kafka_port="$(free_port)"
  log "bridge: kafka-local on 127.0.0.1:$kafka_port"
  kafka-local/run.sh --data-dir "$work/kafka" --port "$kafka_port" --controller-port "$(free_port)" \
    >"$work/kafka.log" 2>&1 &
  echo $! >"$work/kafka.pid"
  await_line kafka "$work/kafka.log" "Kafka ready" 120
  local args=(--bootstrap-servers "127.0.0.1:$kafka_port" --server-target "127.0.0.1:$server_port"
    --records "$bridge_records" --warmup "$((bridge_records / 2))" --repeat "$rounds")
  local json=""
  if bridge/run.sh benchmark --help 2>&1 | grep -q -- '--json'; then
    json="$work/bridge.json"
    args+=(--json "$json")
  fi
  log "bridge: $rounds passes of $bridge_records records"
  bridge/run.sh benchmark "${args[@]}" >"$work/bridge.out" 2>&1 || { tail -n 20 "$work/bridge.out" >&2; exit 1; }
  kill "$(cat "$work/kafka.pid")" 2>/dev/null || true
  python3 - "$work/bridge.out" "$json" "$bridge_records" "$rounds" >"$(part_file bridge)" <<'EOF'
import json, re, sys
out_file, json_file, records, repeat = sys.argv[1:5]
if json_file:
    r = json.load(open(json_file))
    raw, bridge = r["raw_records_per_second"], r["bridge_records_per_second"]
else:
    # The benchmark's closing lines, before it wrote JSON.
    text = open(out_file).read()
    rate = lambda label: float(re.search(label + r":\s+([\d,.]+) records/s", text).group(1).replace(",", ""))
    raw, bridge = rate(r"raw Kafka produce->consume"), rate(r"bridge end to end \(Kafka->gRPC->Kafka\)")
m = lambda subject, value, baseline: {"part": "bridge", "iface": "Kafka bridge", "subject": subject,
    "baseline": baseline, "throughput": value, "unit": "records/s"}
print(json.dumps({"part": "bridge", "measurements": [m("bridge end to end", bridge, False),
        m("raw Kafka produce->consume", raw, True)],
    "ratios": [{"name": "Kafka bridge, end to end / raw Kafka", "value": bridge / raw, "target": 0.5}],
    "notes": ["bridge/run.sh benchmark: %s records per pass, median of %s passes, kafka-local broker, same records for both." % (records, repeat)]}))
EOF
}

run_bulk() {
  if [ ! -x scripts/bench-score.sh ]; then
    skip_part bulk "scripts/bench-score.sh is not in this checkout"
    return
  fi
  log "bulk: $bulk_rows rows"
  scripts/bench-score.sh --rows "$bulk_rows" --json "$work/bulk.json" >"$work/bulk.out" 2>&1 \
    || { tail -n 20 "$work/bulk.out" >&2; exit 1; }
  python3 - "$work/bulk.json" >"$(part_file bulk)" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
print(json.dumps({"part": "bulk", "measurements": [{"part": "bulk", "iface": "bulk scoring, %s to %s" % (r["format"], r["format"]),
    "subject": "in process", "baseline": False, "throughput": r["rows_per_second"], "unit": "rows/s"}],
    "notes": ["scripts/bench-score.sh: %d rows in %.1f s; target 300,000 rows/s." % (r["rows"], r["seconds"])]}))
EOF
}

started="$(date +%s)"
for part in "${all_parts[@]}"; do
  wanted "$part" && "run_$part"
done
stamp="$(date -u +%Y-%m-%dT%H%MZ)"
out="$results/$stamp"
mkdir -p "$out"
python3 - "$work/parts" "$mode" "$(($(date +%s) - started))" "$(java -version 2>&1 | sed -n 2p)" \
  "${server_flags[*]}" >"$out/figures.json" <<'EOF'
import json, os, platform, sys, time
parts_dir, mode, seconds, jdk, flags = sys.argv[1:6]
figures = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "mode": mode,
    "machine": {"cores": os.cpu_count(),
        "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine()),
        "ram_gib": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, "jdk": jdk,
        "os": "%s %s" % (platform.system(), platform.release())},
    "measurements": [], "ratios": [], "skipped": [], "notes": []}
for name in sorted(os.listdir(parts_dir)):
    part = json.load(open(os.path.join(parts_dir, name)))
    if "skipped" in part:
        figures["skipped"].append({"part": part["part"], "reason": part["skipped"]})
    for key in ("measurements", "ratios", "notes"):
        figures[key] += part.get(key, [])
if any(m["part"] in ("grpc", "rest", "stream", "bridge") for m in figures["measurements"]):
    figures["notes"].append("Server: churnwire-server.jar, demo model (trainer init --demo), %s; load generator, server and baseline share the machine's cores." % flags)
figures["notes"].append("Suite wall clock: %s s (scripts/bench.sh%s)." % (seconds, " --quick" if mode == "quick" else ""))
print(json.dumps(figures, indent=2))
EOF
java -cp "$jar" io.churnwire.benchmarks.SuiteReport "$out/figures.json" "$out"
ln -sfn "$stamp" "$results/latest"
cat "$out/results.md"
log "results in $out (and $results/latest)"
