#!/usr/bin/env bash
# What the prediction history costs and how far it scales, measured in one run:
#   store     HistoryBenchmark fills the embedded DuckDB store and a real PostgreSQL 15 (Debian's
#             package, started here) with --rows predictions through PredictionStore.append, in
#             the recorder's batches, then times each insights query (warm-up, median of 5)
#   overhead  two packaged servers on one model registry, --history=off and --history=on (DuckDB),
#             both without access log and metrics, loaded in turn with ghz unary Predict round
#             after round (and PredictBatch streams); after the Predict rounds and again after the
#             streams the on-server's store must hold every prediction it answered
#             (GetPredictionStats, once its queue has drained), else the shortfall is reported as
#             dropped, with the recorder's own warnings from the server's log
# Prints a markdown table (also written to target/bench/history.md, or --output FILE).
# Options: --rows N (10000000), --append-budget S (900: appends stop after this long and the rest
# is loaded by parallel appends), --rounds N (3), --duration S (20), --concurrency N (50),
# --batch-items N (100 items per PredictBatch stream; 0 skips streams), --skip-store, --skip-overhead.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$churnwire_root"

rows=10000000 budget=900 rounds=3 duration=20 concurrency=50 batch_items=100
store=true overhead=true output=target/bench/history.md
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows="$2"; shift 2 ;;
    --append-budget) budget="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --batch-items) batch_items="$2"; shift 2 ;;
    --skip-store) store=false; shift ;;
    --skip-overhead) overhead=false; shift ;;
    --output) output="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

scripts/install-tools.sh --with-bench >/dev/null
./mvnw -B -q -pl server,trainer,benchmarks -am package -DskipTests
work="$(mktemp -d)"
mkdir -p "$(dirname "$output")"
postgres_data=""
postgres_bin=/usr/lib/postgresql/15/bin
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  for file in "$work"/*.pid; do [ -f "$file" ] && kill "$(cat "$file")" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for file in "$work"/*.pid; do
    [ -f "$file" ] || continue
    for _ in $(seq 100); do kill -0 "$(cat "$file")" 2>/dev/null || break; sleep 0.1; done
  done
  if [ -n "$postgres_data" ]; then as_postgres "$postgres_bin/pg_ctl" -D "$postgres_data" -m fast -w stop >/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# PostgreSQL with its defaults (fsync on), except the memory and WAL room a server holding
# millions of rows is given: shared_buffers 1GB (the embedded store's memory limit), max_wal_size 4GB.
# Sets postgres_url (not run in a subshell, so that cleanup knows postgres_data).
start_postgres() {
  local port
  port="$(free_port)"
  [ "$(id -u)" = 0 ] && chown postgres "$work"
  as_postgres "$postgres_bin/initdb" -D "$work/pg" -A trust -U churnwire -E UTF8 --locale=C.UTF-8 >"$work/initdb.log"
  postgres_data="$work/pg"
  as_postgres "$postgres_bin/pg_ctl" -D "$work/pg" -l "$work/postgres.log" -w -t 60 \
    -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c shared_buffers=1GB -c max_wal_size=4GB" start >/dev/null
  as_postgres "$postgres_bin/createdb" -h 127.0.0.1 -p "$port" -U churnwire churnwire
  postgres_url="jdbc:postgresql://127.0.0.1:$port/churnwire?user=churnwire"
}

store_table=""
if [ "$store" = true ]; then
  start_postgres
  java -Xmx3g --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
    io.churnwire.benchmarks.HistoryBenchmark --rows "$rows" --append-budget "$budget" \
    --store "duckdb=jdbc:duckdb:$work/store/history.duckdb" --store "postgresql=$postgres_url" \
    --output "$work/store.md" >/dev/null
  as_postgres "$postgres_bin/pg_ctl" -D "$postgres_data" -m fast -w stop >/dev/null
  postgres_data=""
  store_table="$(cat "$work/store.md")"
  store_table+=$'\n'"- postgresql: PostgreSQL $("$postgres_bin/postgres" --version | awk '{print $3}'), defaults (fsync on) but shared_buffers=1GB, max_wal_size=4GB; duckdb: the store's defaults (memory_limit 1GB, threads = half the cores)."
fi

overhead_table=""
if [ "$overhead" = true ]; then
  CHURNWIRE_MODEL_DIR="$work/models" java -jar trainer/target/churnwire-trainer.jar init --demo >/dev/null

  # Started in a subshell ($(...)), so each server's pid goes to a file for cleanup.
  start_server() { # name, extra args...
    local name="$1" port; shift
    port="$(free_port)"
    java -Xmx1g -jar server/target/churnwire-server.jar --host=127.0.0.1 --port="$port" --admin-port=0 \
      --model-dir="$work/models" --reload-interval-ms=0 --access-log=false --metrics-port=-1 "$@" \
      >"$work/$name.out" 2>"$work/$name.log" &
    echo $! >"$work/$name.pid"
    for _ in $(seq 300); do
      grep -q "churnwire: listening" "$work/$name.out" 2>/dev/null && break
      sleep 0.1
    done
    grep -q "churnwire: listening" "$work/$name.out" || { echo "server $name did not start:" >&2; cat "$work/$name.log" >&2; exit 1; }
    echo "$port"
  }
  declare -A ports
  ports[off]="$(start_server off --history=off)"
  ports[on]="$(start_server on --history=on --history-url="jdbc:duckdb:$work/served/h.duckdb")"

  request='{"customer_id":"7590-VHVEG","internet_service":"INTERNET_SERVICE_YES","number_dependents":0,
"number_referrals":0,"satisfaction_score":2,"tenure_in_months":3,"total_long_distance_charges":31.2,
"total_revenue":250.5,"contract":"CONTRACT_MONTH_TO_MONTH","payment_method":"PAYMENT_METHOD_MAILED_CHECK"}'
  stream="$(python3 -c "import json,sys; r=json.loads(sys.argv[1]); n=int(sys.argv[2])
print(json.dumps([{'item_id': str(i), 'request': r} for i in range(n)]))" "$request" "$batch_items")"

  # One ghz run of a fixed number of calls (so none is cut off and every answer is counted):
  # prints "calls/s p50_ms p99_ms ok_calls".
  load() { # port, calls, method, data
    .tools/bin/ghz --insecure --call "churnwire.v1.ChurnService.$3" -d "$4" -c "$concurrency" -n "$2" \
      --format json "127.0.0.1:$1" 2>/dev/null | python3 -c '
import json, sys
r = json.load(sys.stdin)
lat = {d["percentage"]: d["latency"] / 1e6 for d in r.get("latencyDistribution") or []}
ok = r.get("statusCodeDistribution", {}).get("OK", 0)
print("%.0f %.2f %.2f %d" % (r["rps"], lat.get(50, float("nan")), lat.get(99, float("nan")), ok))'
  }

  # The recorder writes asynchronously: wait until the store holds every answer, or its count
  # has stood still for 3 s; what is missing then was dropped.
  recorded() {
    .tools/bin/grpcurl -plaintext -d '{}' "127.0.0.1:${ports[on]}" churnwire.v1.ChurnInsightsService/GetPredictionStats \
      | python3 -c 'import json,sys; o=json.load(sys.stdin).get("overall", {}); print(int(o.get("prediction_count", o.get("predictionCount", 0))))'
  }
  settled() {
    local count still=0 now
    count="$(recorded)"
    for _ in $(seq 120); do
      [ "$count" -ge "${answered[on]}" ] && break
      sleep 1
      now="$(recorded)"
      if [ "$now" = "$count" ]; then still=$((still + 1)); [ "$still" -ge 3 ] && break; else still=0; fi
      count="$now"
    done
    echo "$count"
  }
  declare -A answered=([off]=0 [on]=0)
  declare -A results
  last_rps=0
  # CPU time (user + system, in clock ticks) the server has used so far.
  cpu_ticks() { awk '{print $14 + $15}' "/proc/$(cat "$work/$1.pid")/stat"; }
  run() { # name, calls, method, data, items per call, label (empty for a warm-up)
    local rps p50 p99 ok before cpu_us
    before="$(cpu_ticks "$1")"
    read -r rps p50 p99 ok <<<"$(load "${ports[$1]}" "$2" "$3" "$4")"
    # Server CPU per answered prediction, in microseconds.
    cpu_us="$(python3 -c "print('%.1f' % (($(cpu_ticks "$1") - $before) * 1e6 / $(getconf CLK_TCK) / max(1, $ok * $5)))")"
    answered[$1]=$((answered[$1] + ok * $5))
    last_rps="$rps"
    if [ -n "$6" ]; then results[$6]+="$rps/$p50/$p99/$cpu_us "; fi
  }
  # Warm up both (JIT, pools), then size the rounds so that one lasts about --duration seconds at the off-server's rate.
  names=(off on)
  run on 100000 Predict "$request" 1 ""
  run off 100000 Predict "$request" 1 ""
  calls=$((last_rps * duration))
  for round in $(seq "$rounds"); do
    for name in "${names[@]}"; do run "$name" "$calls" Predict "$request" 1 "predict-$name"; done
  done
  predict_answered="${answered[on]}"
  predict_recorded="$(settled)"
  if [ "$batch_items" -gt 0 ]; then
    run on 200 PredictBatch "$stream" "$batch_items" ""
    run off 200 PredictBatch "$stream" "$batch_items" ""
    streams=$((last_rps * duration))
    for round in $(seq "$rounds"); do
      for name in "${names[@]}"; do run "$name" "$streams" PredictBatch "$stream" "$batch_items" "batch-$name"; done
    done
  fi
  count="$(settled)"
  dropped=$((answered[on] - count))
  # The recorder's own warnings about dropped predictions, if any.
  warnings="$(grep -i "dropped" "$work/on.log" "$work/on.out" 2>/dev/null | head -3 | cut -c1-300 || true)"

  overhead_table="$(python3 - "$concurrency" "$duration" "$rounds" "$batch_items" "${answered[on]}" "$count" "$dropped" \
    "$predict_answered" "$predict_recorded" "$warnings" \
    "${results[predict-off]}" "${results[predict-on]}" "${results[batch-off]:-}" "${results[batch-on]:-}" <<'EOF'
import statistics, sys
concurrency, duration, rounds, items, answered, recorded, dropped, predict_answered, predict_recorded, warnings = sys.argv[1:11]
del sys.argv[1:4]
def parse(text):
    return [tuple(float(x) for x in run.split("/")) for run in text.split()]
print("| load | calls/s per round | median calls/s | p50 ms | p99 ms | server CPU per prediction, µs | ratio on/off |")
print("|---|---|---:|---:|---:|---:|---:|")
def rows(label, off, on, per_call=1):
    medians = {}
    for name, runs in (("off", off), ("on", on)):
        rps = [r[0] for r in runs]
        medians[name] = statistics.median(rps)
        p50 = statistics.median(r[1] for r in runs)
        p99 = statistics.median(r[2] for r in runs)
        cpu = statistics.median(r[3] for r in runs)
        unit = "" if per_call == 1 else " (%.0f items/s)" % (medians[name] * per_call)
        ratio = "%.3f" % (medians["on"] / medians["off"]) if name == "on" else ""
        print("| %s, history %s | %s | %.0f%s | %.2f | %.2f | %.1f | %s |" % (
            label, name, " ".join("%.0f" % r for r in rps), medians[name], unit, p50, p99, cpu, ratio))
rows("Predict", parse(sys.argv[8]), parse(sys.argv[9]))
if sys.argv[10]:
    rows("PredictBatch stream", parse(sys.argv[10]), parse(sys.argv[11]), int(items))
print()
print("ghz: %s concurrent calls, rounds of about %s s (a fixed number of calls, sized on the off-server's"
      " warm-up), %s rounds, the two servers loaded in turn; PredictBatch: streams of %s items, latency per"
      " stream; p50, p99 and CPU are medians over the rounds. Both servers: --access-log=false --metrics-port=-1;"
      " on: --history-url=jdbc:duckdb:<file>. ghz runs on the same cores as the servers."
      % (concurrency, duration, rounds, items))
print()
print("The history-on server answered %s predictions (warm-up included); its store holds %s: %s dropped."
      % (answered, recorded, max(0, int(dropped))))
print("After the Predict rounds (before any stream): %s answered, %s recorded, %d dropped."
      % (predict_answered, predict_recorded, max(0, int(predict_answered) - int(predict_recorded))))
if warnings.strip():
    print()
    print("The on-server's log: " + " / ".join("`%s`" % line.split(":", 1)[-1].strip() for line in warnings.splitlines()))
EOF
)"
fi

{
  echo "## Prediction history: store scale"
  echo
  [ -n "$store_table" ] && echo "$store_table" || echo "(skipped)"
  echo
  echo "## Prediction history: recording overhead"
  echo
  [ -n "$overhead_table" ] && echo "$overhead_table" || echo "(skipped)"
  echo
  echo "Machine: $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(free -g | awk '/^Mem:/ {print $2}') GiB RAM; $(date -u '+%Y-%m-%d %H:%M UTC')."
} | tee "$output"
