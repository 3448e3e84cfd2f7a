#!/usr/bin/env bash
# End-to-end test with the AWS CLI (Debian's awscli, /usr/bin/aws):
# create-table, describe-table, list-tables, put-item, get-item, delete-item and
# delete-table against DDB_ENDPOINT, with dummy credentials from the
# environment. Without DDB_ENDPOINT it runs itself under the shared harness,
# which starts DDBWATCH_BIN. JSON is checked with /usr/bin/python3.
#
# Prints one "ok"/"not ok" line per check and "cli: N passed, N failed" last;
# exits non-zero when a check failed. DDB_ENDPOINT_IS_DDBLOCAL=1 skips the
# message checks where DynamoDB Local differs from DynamoDB.
set -u
here=$(cd "$(dirname "$0")" && pwd)
PY=${DDB_E2E_PYTHON:-/usr/bin/python3}
if [ -z "${DDB_ENDPOINT:-}" ]; then
  if [ -z "${DDBWATCH_BIN:-}" ]; then
    echo "test_cli.sh: set DDB_ENDPOINT or DDBWATCH_BIN" >&2
    exit 2
  fi
  exec "$PY" "$here/../harness/ddbwatch_harness.py" run -- "$0" "$@"
fi

AWS=${AWS_CLI:-/usr/bin/aws}
export AWS_ACCESS_KEY_ID=AKIDE2ECLI AWS_SECRET_ACCESS_KEY=e2e-secret AWS_DEFAULT_REGION=us-east-1
export AWS_PAGER="" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_PROFILE
ddblocal=${DDB_ENDPOINT_IS_DDBLOCAL:-0}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0 n=0
table="e2e-cli-$(date +%s)-$$"

# ddb ARGS...: runs `aws dynamodb ARGS --endpoint-url ...`; stdout to
# $work/out, stderr to $work/err, exit status in $rc.
ddb() {
  "$AWS" dynamodb "$@" --endpoint-url "$DDB_ENDPOINT" --output json >"$work/out" 2>"$work/err"
  rc=$?
}

# q EXPR: evaluates a Python expression over d (the JSON in $work/out) and
# prints the result as JSON.
q() {
  "$PY" -c 'import json, sys
raw = open(sys.argv[1]).read()
d = json.loads(raw) if raw.strip() else None
print(json.dumps(eval(sys.argv[2], {"d": d}), sort_keys=True, ensure_ascii=False))' "$work/out" "$1"
}

# check NAME ACTUAL EXPECTED
check() {
  n=$((n + 1))
  if [ "$2" == "$3" ]; then
    passed=$((passed + 1))
    echo "ok $n - $1"
  else
    failed=$((failed + 1))
    echo "not ok $n - $1"
    echo "#   expected: $3"
    echo "#   actual:   $2"
    sed 's/^/#   stderr: /' "$work/err" | head -5
  fi
}

# check_error NAME OPERATION CODE MESSAGE [local-differs]: the last command
# failed with the CLI's service-error line.
check_error() {
  check "$1: exit status 254" "$rc" 254
  local line
  line=$(grep -m1 'An error occurred' "$work/err")
  if [ "${5:-}" = local-differs ] && [ "$ddblocal" = 1 ]; then
    check "$1: error code" "$(sed -n 's/.*An error occurred (\([A-Za-z]*\)).*/\1/p' <<<"$line")" "$3"
  else
    check "$1: error line" "$line" "An error occurred ($3) when calling the $2 operation: $4"
  fi
}

echo "# AWS CLI: $AWS"
echo "# endpoint: $DDB_ENDPOINT"

ddb create-table --table-name "$table" --billing-mode PAY_PER_REQUEST \
  --attribute-definitions AttributeName=pk,AttributeType=S AttributeName=sk,AttributeType=N \
  --key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE
check "create-table succeeds" "$rc" 0
check "create-table returns the name" "$(q 'd["TableDescription"]["TableName"]')" "\"$table\""
check "create-table status" "$(q 'd["TableDescription"]["TableStatus"] in ("CREATING", "ACTIVE")')" true

for _ in $(seq 50); do
  ddb describe-table --table-name "$table"
  [ "$(q 'd["Table"]["TableStatus"]')" = '"ACTIVE"' ] && break
  sleep 0.1
done
check "describe-table succeeds" "$rc" 0
check "describe-table ACTIVE" "$(q 'd["Table"]["TableStatus"]')" '"ACTIVE"'
check "describe-table key schema" "$(q 'd["Table"]["KeySchema"]')" \
  '[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]'
check "describe-table billing mode" "$(q 'd["Table"]["BillingModeSummary"]["BillingMode"]')" '"PAY_PER_REQUEST"'
check "describe-table ARN" "$(q 'd["Table"]["TableArn"].startswith("arn:aws:dynamodb:") and d["Table"]["TableArn"].endswith(":table/'"$table"'")')" true
check "describe-table counts" "$(q '[d["Table"]["ItemCount"], d["Table"]["TableSizeBytes"]]')" '[0, 0]'

ddb list-tables --page-size 1
check "list-tables (pages of 1) succeeds" "$rc" 0
check "list-tables includes the table" "$(q '"'"$table"'" in d["TableNames"]')" true
check "list-tables in order" "$(q 'd["TableNames"] == sorted(d["TableNames"])')" true

cat >"$work/item.json" <<'EOF'
{
  "pk": {"S": "cli ✓"}, "sk": {"N": "001.500"},
  "s": {"S": "text"}, "n": {"N": "-0"}, "b": {"B": "AAH+/w=="}, "t": {"BOOL": true}, "z": {"NULL": true},
  "ss": {"SS": ["b", "a"]}, "ns": {"NS": ["2", "1e1"]}, "bs": {"BS": ["AQ==", "Ag=="]},
  "l": {"L": [{"S": "x"}, {"M": {"k": {"N": "3"}}}]}, "m": {"M": {"inner": {"L": []}}}
}
EOF
ddb put-item --table-name "$table" --item "file://$work/item.json"
check "put-item succeeds" "$rc" 0

ddb get-item --table-name "$table" --key '{"pk": {"S": "cli ✓"}, "sk": {"N": "1.5"}}' --consistent-read
check "get-item succeeds" "$rc" 0
check "get-item returns the item, numbers normalised" \
  "$(q '{k: ({t: sorted(x) for t, x in v.items()} if list(v)[0] in ("SS", "NS", "BS") else v) for k, v in d["Item"].items()}')" \
  "$(printf '%s' '{"b": {"B": "AAH+/w=="}, "bs": {"BS": ["AQ==", "Ag=="]}, "l": {"L": [{"S": "x"}, {"M": {"k": {"N": "3"}}}]}, "m": {"M": {"inner": {"L": []}}}, "n": {"N": "0"}, "ns": {"NS": ["10", "2"]}, "pk": {"S": "cli ✓"}, "s": {"S": "text"}, "sk": {"N": "1.5"}, "ss": {"SS": ["a", "b"]}, "t": {"BOOL": true}, "z": {"NULL": true}}')"

ddb put-item --table-name "$table" --item '{"pk": {"S": "cli ✓"}, "sk": {"N": "1.5"}, "v": {"N": "2"}}' \
  --return-values ALL_OLD
check "put-item ALL_OLD succeeds" "$rc" 0
check "put-item ALL_OLD returns the old item" "$(q 'd["Attributes"]["s"]')" '{"S": "text"}'

ddb delete-item --table-name "$table" --key '{"pk": {"S": "cli ✓"}, "sk": {"N": "1.50"}}' --return-values ALL_OLD
check "delete-item ALL_OLD succeeds" "$rc" 0
check "delete-item returns the deleted item" "$(q 'd["Attributes"]')" \
  '{"pk": {"S": "cli ✓"}, "sk": {"N": "1.5"}, "v": {"N": "2"}}'

ddb get-item --table-name "$table" --key '{"pk": {"S": "cli ✓"}, "sk": {"N": "1.5"}}'
check "get-item after delete succeeds" "$rc" 0
check "get-item after delete has no Item" "$(q 'd is None or "Item" not in d')" true

ddb put-item --table-name "$table" --item '{"pk": {"N": "1"}, "sk": {"N": "1"}}'
check_error "put-item with a wrong key type" PutItem ValidationException \
  "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N" local-differs

ddb put-item --table-name "$table" --item '{"pk": {"S": "a"}, "sk": {"N": "1"}, "s": {"SS": []}}'
check_error "put-item with an empty set" PutItem ValidationException \
  "One or more parameter values were invalid: An string set  may not be empty"

ddb get-item --table-name "$table-missing" --key '{"pk": {"S": "a"}, "sk": {"N": "1"}}'
check_error "get-item on a missing table" GetItem ResourceNotFoundException "Requested resource not found" local-differs

ddb delete-table --table-name "$table"
check "delete-table succeeds" "$rc" 0
check "delete-table returns the description" "$(q 'd["TableDescription"]["TableName"]')" "\"$table\""

for _ in $(seq 50); do
  ddb describe-table --table-name "$table"
  [ "$rc" != 0 ] && break
  sleep 0.1
done
check_error "describe-table after delete-table" DescribeTable ResourceNotFoundException \
  "Requested resource not found: Table: $table not found" local-differs

ddb list-tables
check "list-tables no longer has the table" "$(q '"'"$table"'" in d["TableNames"]')" false

echo "cli: $passed passed, $failed failed"
[ "$failed" = 0 ]
