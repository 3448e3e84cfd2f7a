#!/bin/sh
# conformance/install-ddblocal.sh [DIR]
#
# Installs DynamoDB Local (DynamoDBLocal.jar and DynamoDBLocal_lib/) from the
# npm package amplify-dynamodb-simulator, at the version pinned in
# ddblocal/package.json and checked against the integrity recorded in
# ddblocal/package-lock.json. Only that package's tarball is fetched (npm pack):
# its own Node dependencies are not needed to run the jar.
#
# DIR defaults to $DDBLOCAL_DIR, else ${XDG_CACHE_HOME:-~/.cache}/ddbwatch-conformance/ddblocal-<version>.
# A complete install there is reused. Prints DIR on stdout (progress goes to stderr).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
lock="$here/ddblocal/package-lock.json"

read_lock() {
  node -e '
    const l = require(process.argv[1]);
    const p = l.packages["node_modules/amplify-dynamodb-simulator"];
    if (!p || !p.version || !p.integrity) { console.error("no amplify-dynamodb-simulator in " + process.argv[1]); process.exit(1); }
    console.log(p[process.argv[2]]);' "$lock" "$1"
}
version=$(read_lock version)
integrity=$(read_lock integrity)
dir=${1:-${DDBLOCAL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ddbwatch-conformance/ddblocal-$version}}

if [ -f "$dir/DynamoDBLocal.jar" ] && [ -d "$dir/DynamoDBLocal_lib" ] \
   && [ "$(cat "$dir/.integrity" 2>/dev/null || true)" = "$integrity" ]; then
  echo "$dir"
  exit 0
fi

command -v java >/dev/null 2>&1 || echo "install-ddblocal: warning: java is not on PATH (DynamoDB Local needs Java 17+)" >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "install-ddblocal: fetching amplify-dynamodb-simulator@$version" >&2
(cd "$tmp" && npm pack "amplify-dynamodb-simulator@$version" --silent --no-audit --no-fund >/dev/null)
tgz="$tmp/amplify-dynamodb-simulator-$version.tgz"
[ -f "$tgz" ] || { echo "install-ddblocal: npm pack did not produce $tgz" >&2; exit 1; }
actual=$(node -e '
  const h = require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1]));
  console.log("sha512-" + h.digest("base64"));' "$tgz")
if [ "$actual" != "$integrity" ]; then
  echo "install-ddblocal: integrity mismatch for amplify-dynamodb-simulator@$version" >&2
  echo "  lock file: $integrity" >&2
  echo "  download:  $actual" >&2
  exit 1
fi
tar -xzf "$tgz" -C "$tmp" package/emulator
[ -f "$tmp/package/emulator/DynamoDBLocal.jar" ] || { echo "install-ddblocal: no DynamoDBLocal.jar in the package" >&2; exit 1; }
mkdir -p "$dir"
cp -R "$tmp/package/emulator/." "$dir/"
echo "$integrity" > "$dir/.integrity"
echo "install-ddblocal: DynamoDB Local from amplify-dynamodb-simulator@$version in $dir" >&2
echo "$dir"
