#!/usr/bin/env bash
# tests/fuzz/run.sh BUILD_DIR [SECONDS]: run every libFuzzer target built in
# BUILD_DIR (cmake -DDDB_FUZZ=ON, clang) for SECONDS each (default 60). A crash,
# leak or sanitizer report fails the run; the reproducer is left in BUILD_DIR.
set -uo pipefail
build=${1:?usage: run.sh BUILD_DIR [SECONDS]}
seconds=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)
status=0
found=0
for target in "$build"/fuzz_*; do
  [ -x "$target" ] || continue
  found=1
  name=$(basename "$target")
  corpus="$build/corpus-$name"
  mkdir -p "$corpus"
  seeds=()
  [ -d "$here/corpus/$name" ] && seeds=("$here/corpus/$name")
  echo "fuzz: $name for ${seconds}s"
  if ! (cd "$build" && "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 "$corpus" "${seeds[@]}" >"$build/$name.log" 2>&1); then
    echo "fuzz: $name FAILED; last lines of $build/$name.log:"
    tail -40 "$build/$name.log"
    status=1
  else
    grep -E 'stat::number_of_executed_units|Done' "$build/$name.log" | tail -2
  fi
done
[ $found -eq 1 ] || { echo "fuzz: no targets in $build"; exit 1; }
exit $status
