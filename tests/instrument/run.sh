#!/usr/bin/env bash
# tests/instrument/run.sh: the instrumentation's end-to-end tests (node:test
# with the AWS SDK for JavaScript v3 against real ddbwatch processes) and the
# Koa example's test. Installs their npm dependencies with `npm ci` when
# missing. DDBWATCH_BIN names the binary (default: build-test/ddbwatch).
#
#   DDBWATCH_BIN=/path/to/ddbwatch tests/instrument/run.sh
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export DDBWATCH_BIN=${DDBWATCH_BIN:-$root/build-test/ddbwatch}
if [ ! -x "$DDBWATCH_BIN" ]; then
  echo "tests/instrument: no ddbwatch binary at $DDBWATCH_BIN" >&2
  exit 1
fi
export NODE_NO_WARNINGS=1 # the SDK's Node-version notice

status=0
for dir in "$here" "$root/examples/koa"; do
  [ -f "$dir/package.json" ] || continue
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || { status=1; continue; }
  fi
  echo "--- ${dir#"$root"/}"
  (cd "$dir" && node --test --test-concurrency=1 test/) || status=1
done
exit $status
