#!/usr/bin/env bash
# scripts/serve.sh [ddbwatch options...]: install what is missing, build, and run
# ddbwatch on port 8000 with its data in ./ddbwatch-data (extra options are passed on).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh" "$root/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
exec "$root/build/ddbwatch" --port 8000 --data-dir "$root/ddbwatch-data" "$@"
