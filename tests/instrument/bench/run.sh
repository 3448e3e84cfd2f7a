#!/usr/bin/env bash
# tests/instrument/bench/run.sh: what instrumentation costs on a GetItem load.
#
#   run.sh BIN [SECONDS] [--baseline]
#
# Starts BIN twice on free ports: instrumented (in memory, every detector on,
# audit log written to a file; with --baseline also a frozen baseline that
# knows the GetItem, so the baseline detectors compare every request) and
# with --no-instrument; stores one item in
# each, and drives each with wrk
# (1 thread, 32 connections) for SECONDS (default 5), alternating A B A B so
# that machine noise hits both. Prints requests/s per run and the server's CPU
# time per request (user+system, from /proc): on a shared machine the CPU
# time is the steadier measure of what instrumentation adds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$1
secs=${2:-5}
baseline=${3:-}
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

start() { # start NAME BIN ARGS...: sets port_NAME and pid_NAME
  local name=$1 b=$2
  shift 2
  "$b" --in-memory --port 0 "$@" >"$work/$name.out" 2>&1 &
  pids+=($!)
  eval "pid_$name=$!"
  for _ in $(seq 1 100); do
    if grep -q "listening on" "$work/$name.out"; then
      eval "port_$name=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$work/$name.out")"
      return
    fi
    sleep 0.05
  done
  echo "ddbwatch did not start: $(cat "$work/$name.out")" >&2
  exit 1
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

call() { # call PORT TARGET BODY
  curl -sf -o /dev/null "http://127.0.0.1:$1/" -H "Content-Type: application/x-amz-json-1.0" \
    -H "X-Amz-Target: DynamoDB_20120810.$2" -H "X-Amz-Date: 20260101T000000Z" \
    -H "Authorization: AWS4-HMAC-SHA256 Credential=setup/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=00" \
    -d "$3"
}

seed() {
  call "$1" CreateTable '{"TableName":"bench","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}'
  call "$1" PutItem '{"TableName":"bench","Item":{"pk":{"S":"k1"},"name":{"S":"Alice"},"n":{"N":"42"}}}'
}

measure() { # measure PORT PID -> "REQ_PER_S CPU_US_PER_REQ"
  local t0 t1 out
  t0=$(cpu_ticks "$2")
  out=$(wrk -t1 -c32 -d"${secs}s" -s "$here/getitem.lua" "http://127.0.0.1:$1/")
  t1=$(cpu_ticks "$2")
  echo "$out" | awk -v ticks=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" '
    / requests in / { n = $1 }
    /Requests\/sec/ { rps = int($2) }
    END { printf "%d %.2f\n", rps, (ticks / hz) * 1e6 / n }'
}

echo '{"principals":{"setup":["setup"]}}' >"$work/config.json"
extra=()
if [ "$baseline" = "--baseline" ]; then # what --learn writes for this GetItem
  echo '{"ddbwatchBaseline":1,"callsites":{"GetItem bench":{"keyTypes":{"bench.pk":["S"]},"operations":["GetItem"],"returnedAttributes":["n","name","pk"],"tables":["bench"]}}}' >"$work/baseline.json"
  extra=(--baseline "$work/baseline.json")
fi
start inst "$bin" --config "$work/config.json" --audit-log "$work/audit.log" "${extra[@]}"
seed "$port_inst"
start base "$bin" --no-instrument
seed "$port_base"
# Best of ROUNDS: on a shared machine noise only ever slows a run down.
rounds=${ROUNDS:-5}
best_ar=0 best_br=0 best_ac=999999 best_bc=999999
ratios=()
for round in $(seq 1 "$rounds"); do
  read -r r c < <(measure "$port_inst" "$pid_inst")
  read -r r2 c2 < <(measure "$port_base" "$pid_base")
  ratios+=("$(awk -v a="$r" -v b="$r2" 'BEGIN { printf "%.4f", a / b }')")
  echo "round $round: instrumented $r req/s ($c us CPU/request), without $r2 req/s ($c2 us CPU/request)"
  best_ar=$(awk -v a="$best_ar" -v b="$r" 'BEGIN { print (b > a) ? b : a }')
  best_br=$(awk -v a="$best_br" -v b="$r2" 'BEGIN { print (b > a) ? b : a }')
  best_ac=$(awk -v a="$best_ac" -v b="$c" 'BEGIN { print (b < a) ? b : a }')
  best_bc=$(awk -v a="$best_bc" -v b="$c2" 'BEGIN { print (b < a) ? b : a }')
done
echo "audit log: $(wc -l <"$work/audit.log") records on disk (the rest still buffered)"
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
awk -v m="$median" 'BEGIN { printf "median per-round throughput ratio instrumented/without: %.3f (%.1f%% lost)\n", m, 100 * (1 - m) }'
awk -v ar="$best_ar" -v br="$best_br" -v ac="$best_ac" -v bc="$best_bc" 'BEGIN {
  printf "best throughput: instrumented %d req/s, without %d req/s: %.1f%% lost\n", ar, br, 100 * (1 - ar / br)
  printf "best CPU per request: instrumented %.2f us, without %.2f us: %.1f%% more\n", ac, bc, 100 * (ac / bc - 1) }'
