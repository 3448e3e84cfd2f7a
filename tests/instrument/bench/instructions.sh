#!/usr/bin/env bash
# tests/instrument/bench/instructions.sh BUILD_DIR: instructions per GetItem
# on the server's loop thread and on the audit writer thread, instrumentation
# off, on (audit log to a file) and on with a frozen baseline (--baseline),
# counted by callgrind (valgrind) over the
# difference of a 0- and a 5000-request run of getitem_driver.c.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -I"$root" -I"$root/server" "$here/getitem_driver.c" "$build/libddbcore.a" "$build/libllhttp.a" \
  $(pkg-config --libs jansson libuv) -llmdb -lcrypto -lssl -lz -lm -lpthread -o "$work/driver"
count() { # count MODE N -> "LOOP OTHER"
  rm -f "$work"/cg.out*
  valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$work/cg.out" \
    "$work/driver" "$1" "$2" "$work/audit.log" >/dev/null 2>&1
  local loop other
  loop=$(grep -h '^totals\|^summary' "$work/cg.out-01" | head -1 | awk '{print $2}')
  other=$(shopt -s nullglob; files=("$work"/cg.out-0[2-9]); [ ${#files[@]} -eq 0 ] && echo 0 ||
    awk '/^(totals|summary):/ { s += $2 } END { print s + 0 }' "${files[@]}")
  echo "$loop $other"
}
n=5000
read -r b0 _ < <(count 0 0)
read -r b1 _ < <(count 0 "$n")
read -r i0 w0 < <(count 2 0)
read -r i1 w1 < <(count 2 "$n")
read -r f0 _ < <(count 3 0)
read -r f1 _ < <(count 3 "$n")
awk -v b0="$b0" -v b1="$b1" -v i0="$i0" -v i1="$i1" -v w0="$w0" -v w1="$w1" -v f0="$f0" -v f1="$f1" -v n="$n" 'BEGIN {
  base = (b1 - b0) / n; inst = (i1 - i0) / n; writer = (w1 - w0) / n; frozen = (f1 - f0) / n
  printf "without instrumentation: %d instructions per GetItem (dispatch, loop thread)\n", base
  printf "with (audit log to a file): %d on the loop thread (+%.1f%%), %d on the writer thread\n", inst, 100 * (inst / base - 1), writer
  printf "with a frozen baseline too: %d on the loop thread (+%.1f%%)\n", frozen, 100 * (frozen / base - 1) }'
