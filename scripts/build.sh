#!/usr/bin/env bash
# scripts/build.sh [BUILD_DIR] [cmake options...]: configure and build ddbwatch.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
shift || true
cmake -S "$root" -B "$build" -DDDB_WERROR=ON "$@" >/dev/null
cmake --build "$build" -j"$(nproc)"
