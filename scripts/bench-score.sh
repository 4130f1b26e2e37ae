#!/usr/bin/env bash
# Benchmark of bulk scoring: `churnwire-model score` in process, N synthetic Telco customers in, results
# out, in CSV (default) or Parquet. Prints and writes one JSON object:
#   {"rows":..,"seconds":..,"rows_per_second":..,"format":"csv","cpu_seconds":..,"threads":..}
# seconds is the score command's own run (input opened to output in place), without JVM start-up;
# cpu_seconds is the process CPU time over the same span, which says more than seconds on a busy machine.
# The demo registry and the input are made once and kept under target/bench-score/.
#
#   scripts/bench-score.sh [--rows N] [--format csv|parquet] [--threads N] [--explain] --json FILE
set -euo pipefail
source "$(dirname "$0")/env.sh"

rows=1000000
format=csv
json=""
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows="$2"; shift 2 ;;
    --format) format="$2"; shift 2 ;;
    --json) json="$2"; shift 2 ;;
    --threads) extra+=(--threads "$2"); shift 2 ;;
    --explain) extra+=(--explain); shift ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-score: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$format" in csv|parquet) ;; *) echo "bench-score: --format must be csv or parquet, got '$format'" >&2; exit 2 ;; esac
[[ "$rows" =~ ^[1-9][0-9]*$ ]] || { echo "bench-score: --rows must be a positive integer, got '$rows'" >&2; exit 2; }
[ -n "$json" ] || { echo "bench-score: --json FILE is required" >&2; exit 2; }

model_cli="$churnwire_root/scripts/churnwire-model.sh"
jar="$churnwire_root/trainer/target/churnwire-trainer.jar"
work="$churnwire_root/target/bench-score"
mkdir -p "$work"

"$model_cli" --version >/dev/null  # builds the jar when it is missing or stale
registry="$work/registry"
if [ ! -f "$registry/production" ]; then
  echo "bench-score: training the demo model into $registry" >&2
  "$model_cli" init --demo --registry "$registry" >&2
fi

csv="$work/customers-$rows.csv"
if [ ! -f "$csv" ]; then
  echo "bench-score: writing $rows synthetic customers to $csv" >&2
  java -cp "$jar" io.churnwire.datasets.SyntheticCustomerFile "$rows" 42 "$csv.tmp"
  mv "$csv.tmp" "$csv"
fi
input="$csv"
if [ "$format" = parquet ]; then
  input="$work/customers-$rows.parquet"
  if [ ! -f "$input" ]; then
    echo "bench-score: converting $csv to Parquet" >&2
    cat > "$work/ToParquet.java" <<'EOF'
public class ToParquet {
  public static void main(String[] args) throws Exception {
    try (var duck = java.sql.DriverManager.getConnection("jdbc:duckdb:"); var sql = duck.createStatement()) {
      sql.execute("COPY (SELECT * FROM read_csv('" + args[0] + "')) TO '" + args[1] + "' (FORMAT PARQUET)");
    }
  }
}
EOF
    java --enable-native-access=ALL-UNNAMED -cp "$jar" "$work/ToParquet.java" "$csv" "$input.tmp"
    mv "$input.tmp" "$input"
  fi
fi

output="$work/scores.$format"
summary="$work/summary.json"
"$model_cli" score --registry "$registry" --input "$input" --output "$output" --json "$summary" ${extra[@]+"${extra[@]}"}

field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" "$summary"; }
threads="$(sed -n 's/.*"threads":\([0-9]*\).*/\1/p' "$summary")"
result="$(printf '{"rows":%s,"seconds":%s,"rows_per_second":%s,"format":"%s","cpu_seconds":%s,"threads":%s}' \
  "$(field rows_read)" "$(field seconds)" "$(field rows_per_second)" "$format" "$(field cpu_seconds)" "$threads")"
echo "$result"
echo "$result" > "$json"
