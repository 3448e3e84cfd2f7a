#!/bin/sh
# conformance/clients/run.sh DDBWATCH_BIN
#
# The real-client checks: starts ddbwatch (in memory, on a free port), plays
# the cases listed in cases.txt through the AWS SDK for JavaScript v3 and
# through boto3 (check.js), stops ddbwatch and exits non-zero if either client
# saw a difference. Installs the npm dependencies of the conformance runner
# and of this folder from their lock files when they are missing. boto3 comes
# from Debian (python3-boto3) and runs under /usr/bin/python3, or under
# $DDB_CLIENTS_PYTHON. Extra options for check.js (e.g. "--filter ^Query-")
# can be given in $CLIENTS_ARGS. Ends with "clients: N passed, M failed".
set -eu
here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 1 ] || { echo "usage: conformance/clients/run.sh DDBWATCH_BIN" >&2; exit 2; }
ddbwatch=$1
[ -x "$ddbwatch" ] || { echo "clients/run.sh: no ddbwatch binary at $ddbwatch" >&2; exit 2; }
python=${DDB_CLIENTS_PYTHON:-/usr/bin/python3}
"$python" -c 'import boto3' 2>/dev/null || { echo "clients/run.sh: $python cannot import boto3 (apt-get install python3-boto3)" >&2; exit 2; }
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true

for dir in "$here/.." "$here"; do
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
  fi
done

port=$(node "$here/../lib/port.js" free)
log=${TMPDIR:-/tmp}/clients-ddbwatch-$port.log
"$ddbwatch" --port "$port" --in-memory >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT INT TERM
node "$here/../lib/port.js" wait "$port" || { echo "clients/run.sh: ddbwatch did not start:" >&2; cat "$log" >&2; exit 2; }

out=$(mktemp)
for client in js py; do
  # shellcheck disable=SC2086
  node "$here/check.js" --endpoint "http://127.0.0.1:$port" --client "$client" --python "$python" ${CLIENTS_ARGS:-} >"$out.$client" 2>&1 || true
  cat "$out.$client"
done
# Both clients must have finished with their summary line and no failure.
node -e '
  let p = 0, f = 0;
  for (const file of process.argv.slice(1)) {
    const m = /^clients \(\w+\): (\d+) passed, (\d+) failed$/m.exec(require("fs").readFileSync(file, "utf8"));
    if (m) { p += +m[1]; f += +m[2]; } else f += 1;
  }
  console.log(`clients: ${p} passed, ${f} failed`);
  process.exit(f ? 1 : 0);' "$out.js" "$out.py" && status=0 || status=1
rm -f "$out" "$out.js" "$out.py"
exit $status
