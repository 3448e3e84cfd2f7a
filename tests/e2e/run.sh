#!/usr/bin/env bash
# Runs the three end-to-end suites (AWS SDK for JavaScript v3 with node:test,
# boto3 with pytest, the AWS CLI) against ddbwatch.
#
#   DDBWATCH_BIN=/path/to/ddbwatch tests/e2e/run.sh   start ddbwatch (--in-memory, free
#                                                     port) for each suite; the
#                                                     restart tests start their own
#   DDB_ENDPOINT=http://127.0.0.1:8001 tests/e2e/run.sh   use a running endpoint;
#                                                     restart tests are skipped
#   DDB_ENDPOINT_IS_DDBLOCAL=1                        the endpoint is DynamoDB Local:
#                                                     skip checks of its known deviations
#
# Arguments pick suites (js, py, cli; default all). Installs the npm
# dependencies with `npm ci` when node_modules is missing or stale. Prints each
# runner's own summary, then "e2e: N passed, N failed, N skipped"; exits
# non-zero if any suite failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
PY=${DDB_E2E_PYTHON:-/usr/bin/python3}
HARNESS="$here/harness/ddbwatch_harness.py"
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true

if [ -z "${DDB_ENDPOINT:-}" ] && [ -z "${DDBWATCH_BIN:-}" ]; then
  echo "run.sh: set DDBWATCH_BIN (a built ddbwatch) or DDB_ENDPOINT" >&2
  exit 2
fi
if [ -n "${DDBWATCH_BIN:-}" ]; then
  case "$DDBWATCH_BIN" in /*) ;; *) DDBWATCH_BIN="$PWD/$DDBWATCH_BIN" ;; esac
  export DDBWATCH_BIN
  if [ ! -x "$DDBWATCH_BIN" ]; then
    echo "run.sh: DDBWATCH_BIN=$DDBWATCH_BIN is not executable" >&2
    exit 2
  fi
fi

suites=("$@")
[ ${#suites[@]} = 0 ] && suites=(js py cli)
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
total_pass=0 total_fail=0 total_skip=0 status=0
summary=()

# with_server CMD...: runs CMD against DDB_ENDPOINT, or under the harness,
# which starts ddbwatch and sets DDB_ENDPOINT for CMD.
with_server() {
  if [ -n "${DDB_ENDPOINT:-}" ]; then
    "$@"
  else
    "$PY" "$HARNESS" run -- "$@"
  fi
}

# count LOG REGEX: the number captured by the last line of LOG matching REGEX.
count() {
  local v
  v=$(grep -E "$2" "$1" | tail -n 1 | sed -E "s/.*$2.*/\\1/")
  echo "${v:-0}"
}

# word_count LINE WORD: N from "N WORD" in LINE (pytest's summary), else 0.
word_count() {
  local v
  v=$(grep -oE "[0-9]+ $2\b" <<<"$1" | head -n 1 | grep -oE '^[0-9]+')
  echo "${v:-0}"
}

npm_deps() {
  local js="$here/js"
  if [ -d "$js/node_modules/@aws-sdk/client-dynamodb" ] && [ -d "$js/node_modules/@aws-sdk/lib-dynamodb" ] \
    && [ ! "$js/package-lock.json" -nt "$js/node_modules/.package-lock.json" ]; then
    return 0
  fi
  echo "== npm ci (tests/e2e/js)"
  (cd "$js" && npm ci --no-audit --no-fund --loglevel=error)
}

run_js() {
  npm_deps || return 1
  (cd "$here/js" && with_server node --test --test-reporter=spec test/*.test.mjs)
}

run_py() {
  with_server "$PY" -m pytest -p no:cacheprovider -q -rs "$here/py"
}

run_cli() {
  with_server bash "$here/cli/test_cli.sh"
}

for s in "${suites[@]}"; do
  case "$s" in js|py|cli) ;; *) echo "run.sh: unknown suite $s (js, py, cli)" >&2; exit 2 ;; esac
  echo "== e2e suite: $s"
  start=$SECONDS
  "run_$s" 2>&1 | tee "$logs/$s.log"
  rc=${PIPESTATUS[0]}
  case "$s" in
    js) p=$(count "$logs/$s.log" '^ℹ pass ([0-9]+)'); f=$(count "$logs/$s.log" '^ℹ fail ([0-9]+)')
        k=$(count "$logs/$s.log" '^ℹ skipped ([0-9]+)')
        c=$(count "$logs/$s.log" '^ℹ cancelled ([0-9]+)'); f=$((f + c)) ;;
    py) line=$(grep -E '[0-9]+ (passed|failed|errors?|skipped)' "$logs/$s.log" | tail -n 1)
        p=$(word_count "$line" passed); k=$(word_count "$line" skipped)
        f=$(( $(word_count "$line" failed) + $(word_count "$line" error) + $(word_count "$line" errors) )) ;;
    cli) p=$(count "$logs/$s.log" '^cli: ([0-9]+) passed'); f=$(count "$logs/$s.log" 'passed, ([0-9]+) failed$'); k=0 ;;
  esac
  # A runner that failed without a failing test (crash, server died) still fails.
  if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
  if [ "$rc" = 0 ] && [ "$p" = 0 ]; then
    echo "run.sh: suite $s ran no test" >&2
    rc=1 f=1
  fi
  [ "$rc" = 0 ] || status=1
  total_pass=$((total_pass + p)) total_fail=$((total_fail + f)) total_skip=$((total_skip + k))
  summary+=("$(printf '%-4s %s (exit %s, %ss): %s passed, %s failed, %s skipped' "$s" \
    "$([ "$rc" = 0 ] && echo ok || echo FAILED)" "$rc" $((SECONDS - start)) "$p" "$f" "$k")")
done

echo "== e2e summary"
printf '%s\n' "${summary[@]}"
echo "e2e: $total_pass passed, $total_fail failed, $total_skip skipped"
exit $status
