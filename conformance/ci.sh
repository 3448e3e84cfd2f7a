#!/bin/sh
# conformance/ci.sh [DDBWATCH]
#
# The conformance check CI runs: installs and starts DynamoDB Local, starts
# ddbwatch in memory (DDBWATCH, default build/ddbwatch under the repository),
# plays every case against both with `run --diff`, stops both, and exits with
# the runner's status. Both servers get free ports on 127.0.0.1. Extra runner
# options can be passed in $CONFORMANCE_ARGS (e.g. "--filter ^PutItem-").
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ddbwatch=${1:-$here/../build/ddbwatch}
[ -x "$ddbwatch" ] || { echo "conformance/ci.sh: no ddbwatch binary at $ddbwatch" >&2; exit 2; }

free_port() { node "$here/lib/port.js" free; }

dl_pid=""
dw_pid=""
cleanup() {
  [ -n "$dw_pid" ] && kill "$dw_pid" 2>/dev/null || true
  [ -n "$dl_pid" ] && kill "$dl_pid" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

dir=$("$here/install-ddblocal.sh")
dl_port=$(free_port)
dl_pid=$("$here/start-ddblocal.sh" "$dl_port" "$dir")

dw_port=$(free_port)
dw_log=${TMPDIR:-/tmp}/conformance-ddbwatch-$dw_port.log
"$ddbwatch" --port "$dw_port" --in-memory >"$dw_log" 2>&1 &
dw_pid=$!
node "$here/lib/port.js" wait "$dw_port" || { echo "conformance/ci.sh: ddbwatch did not start:" >&2; cat "$dw_log" >&2; exit 2; }

set +e
# shellcheck disable=SC2086
"$here/run" --diff "http://127.0.0.1:$dw_port" "http://127.0.0.1:$dl_port" ${CONFORMANCE_ARGS:-}
rc=$?
set -e
exit $rc
