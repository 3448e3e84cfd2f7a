#!/bin/sh
# conformance/start-ddblocal.sh PORT [DIR]
#
# Starts DynamoDB Local in memory on PORT (installing it first with
# install-ddblocal.sh when DIR is not given), waits until it answers HTTP, and
# prints its pid on stdout. Its output goes to $DDBLOCAL_LOG (default
# DIR/ddblocal-PORT.log). Stop it with: kill <pid>
set -eu
here=$(cd "$(dirname "$0")" && pwd)
port=${1:?usage: start-ddblocal.sh PORT [DIR]}
dir=${2:-$("$here/install-ddblocal.sh")}
log=${DDBLOCAL_LOG:-$dir/ddblocal-$port.log}
[ -f "$dir/DynamoDBLocal.jar" ] || { echo "start-ddblocal: no DynamoDBLocal.jar in $dir" >&2; exit 1; }

# Refuse a port something already listens on: Java binds the wildcard address
# even when another server holds 127.0.0.1:PORT, and the check below would then
# be answered by that other server.
if node -e '
  const s = require("net").connect({ host: "127.0.0.1", port: Number(process.argv[1]) });
  s.on("connect", () => process.exit(0));
  s.on("error", () => process.exit(1));' "$port"; then
  echo "start-ddblocal: port $port is already in use" >&2
  exit 1
fi

cd "$dir"
nohup java -Djava.library.path="$dir/DynamoDBLocal_lib" -jar "$dir/DynamoDBLocal.jar" \
  -inMemory -port "$port" -disableTelemetry >"$log" 2>&1 </dev/null &
pid=$!

# Any HTTP answer means it is up (DynamoDB Local answers 400 to an unsigned POST).
if ! node -e '
  const http = require("http");
  const [port, pid] = [Number(process.argv[1]), Number(process.argv[2])];
  const deadline = Date.now() + 90000;
  function alive() { try { process.kill(pid, 0); return true; } catch { return false; } }
  function attempt() {
    const req = http.request({ host: "127.0.0.1", port, method: "POST", path: "/", timeout: 2000,
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20120810.ListTables" } },
      (res) => { res.resume(); process.exit(0); });
    req.on("error", retry);
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.end("{}");
  }
  function retry() {
    if (!alive()) { console.error("start-ddblocal: DynamoDB Local exited"); process.exit(1); }
    if (Date.now() > deadline) { console.error("start-ddblocal: no answer on port " + port + " after 90 s"); process.exit(1); }
    setTimeout(attempt, 250);
  }
  attempt();' "$port" "$pid" || ! kill -0 "$pid" 2>/dev/null; then
  tail -20 "$log" >&2 || true
  kill "$pid" 2>/dev/null || true
  exit 1
fi
echo "$pid"
