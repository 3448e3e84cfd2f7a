#!/usr/bin/env bash
# bench/run.sh [bench.py options]: install what the benchmark needs (wrk from
# Debian; DynamoDB Local and dynalite from npm), build ddbwatch for speed, and
# compare it with both peers on loopback. Takes a few minutes; prints a table.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
"$root/scripts/setup.sh"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
(cd "$here" && { [ -d node_modules/dynalite ] || npm ci --no-audit --no-fund --loglevel=error; })
"$root/scripts/build.sh" "$root/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
exec /usr/bin/python3 "$here/bench.py" --ddbwatch "$root/build-bench/ddbwatch" \
  --ddblocal-dir "$here/node_modules/amplify-dynamodb-simulator/emulator" \
  --dynalite "$here/node_modules/dynalite/cli.js" --bare "$root/build-bench/bare-server" "$@"
