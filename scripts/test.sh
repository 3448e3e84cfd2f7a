#!/usr/bin/env bash
# scripts/test.sh: install what is missing, build, and run every test:
#   unit tests (ctest), end-to-end tests with real clients (AWS SDK for
#   JavaScript v3, boto3, AWS CLI), the same under ASan+UBSan, the conformance
#   suite against DynamoDB Local, and bounded fuzzing of the expression parser.
# Every stage runs even if an earlier one failed; the last line counts stages.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="/usr/bin:$PATH" # Debian's python3 (boto3, pytest) before any other
"$root/scripts/setup.sh" || { echo "tests: 0 passed, 1 failed"; exit 1; }

passed=0
failed=0
failures=()
stage() {
  local name=$1
  shift
  echo
  echo "=== $name"
  local start=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    echo "=== $name: ok ($((SECONDS - start)) s)"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "=== $name: FAILED ($((SECONDS - start)) s)"
  fi
}

build=$root/build-test
asan=$root/build-asan
fuzz=$root/build-fuzz

stage "build" scripts/build.sh "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
stage "unit tests" ctest --test-dir "$build" --output-on-failure
stage "end-to-end tests" env DDBWATCH_BIN="$build/ddbwatch" tests/e2e/run.sh
stage "instrumentation and Koa example" env DDBWATCH_BIN="$build/ddbwatch" tests/instrument/run.sh

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
stage "sanitizer build" env CC=clang scripts/build.sh "$asan" -DCMAKE_BUILD_TYPE=Debug -DDDB_SANITIZE=ON
stage "unit tests (ASan+UBSan)" ctest --test-dir "$asan" --output-on-failure
stage "end-to-end tests (ASan+UBSan)" env DDBWATCH_BIN="$asan/ddbwatch" tests/e2e/run.sh
stage "instrumentation tests (ASan+UBSan)" env DDBWATCH_BIN="$asan/ddbwatch" tests/instrument/run.sh

stage "conformance runner's own tests" bash -c \
  'cd conformance && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; } && node --test test/'
stage "conformance against DynamoDB Local" conformance/ci.sh "$build/ddbwatch"
stage "conformance through real clients (SDK v3, boto3)" conformance/clients/run.sh "$build/ddbwatch"

if [ -d tests/fuzz ] && ls tests/fuzz/fuzz_*.c >/dev/null 2>&1; then
  stage "fuzz build" env CC=clang scripts/build.sh "$fuzz" -DCMAKE_BUILD_TYPE=Debug -DDDB_FUZZ=ON -DDDB_SANITIZE=ON
  stage "fuzzing (bounded)" tests/fuzz/run.sh "$fuzz" "${DDB_FUZZ_SECONDS:-60}"
fi

echo
if [ $failed -gt 0 ]; then
  echo "failed stages: ${failures[*]}"
fi
echo "tests: $passed passed, $failed failed"
[ $failed -eq 0 ]
