#!/usr/bin/python3
"""bench/bench.py: ddbwatch side by side with DynamoDB Local and dynalite.

Starts each server on loopback, loads the same 10,000 items (~250 bytes; table
`bench` with string `pk` and `sk`, 1,000 partitions of 10), runs each workload
on each server in turn (A B C A B C ..., so drift on a shared machine hits all
alike) with wrk (16 connections, keep-alive), and prints req/s, p50/p99
latency, start-up time, idle and loaded RSS, and ddbwatch's ratio to each peer.
Run it through bench/run.sh, which installs what it needs.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WRK_DIR = os.path.join(HERE, "wrk")
AUTH = {
    "Content-Type": "application/x-amz-json-1.0",
    "X-Amz-Date": "20260101T000000Z",
    "Authorization": "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/dynamodb/aws4_request, "
                     "SignedHeaders=host;x-amz-date, Signature=0",
}
WORKLOADS = [
    # (name, wrk script, server group)
    ("GetItem", "get.lua", "mem"),
    ("PutItem (no fsync / in memory)", "put.lua", "mem"),
    ("PutItem (durable, on disk)", "put.lua", "disk"),
    ("UpdateItem ADD", "update.lua", "mem"),
    ("Query 10 items", "query.lua", "mem"),
    ("Scan Limit 100", "scan.lua", "mem"),
    ("BatchWriteItem 25", "batchwrite.lua", "mem"),
    ("Mixed 80/20 get/put", "mixed.lua", "mem"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(port, op, body, timeout=30):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", "/", json.dumps(body), dict(AUTH, **{"X-Amz-Target": "DynamoDB_20120810." + op}))
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def rss_kb(pid):
    """Resident memory of pid and its children (DynamoDB Local runs in one JVM)."""
    total = 0
    pids = [pid]
    try:
        pids += [int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                                                  text=True).stdout.split()]
    except OSError:
        pass
    for p in pids:
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


class Server:
    def __init__(self, name, argv_fn, env=None, cwd=None):
        self.name, self.argv_fn, self.env, self.cwd = name, argv_fn, env, cwd
        self.proc = None
        self.port = None
        self.startup_ms = None
        self.idle_rss = self.loaded_rss = None
        self.tmp = None

    def start(self):
        self.port = free_port()
        self.tmp = tempfile.mkdtemp(prefix="ddbbench-")
        argv = self.argv_fn(self.port, self.tmp)
        t0 = time.monotonic()
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     env=self.env, cwd=self.cwd)
        deadline = t0 + 60
        while time.monotonic() < deadline:
            try:
                status, _ = call(self.port, "ListTables", {}, timeout=2)
                if status == 200:
                    self.startup_ms = (time.monotonic() - t0) * 1000
                    break
            except OSError:
                time.sleep(0.002)
        else:
            raise RuntimeError(f"{self.name} did not answer within 60 s")
        time.sleep(1.0)  # let start-up allocations settle before measuring idle memory
        self.idle_rss = rss_kb(self.proc.pid)

    def load(self):
        status, body = call(self.port, "CreateTable", {
            "TableName": "bench", "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                     {"AttributeName": "sk", "AttributeType": "S"}]})
        if status != 200:
            raise RuntimeError(f"{self.name}: CreateTable failed: {body[:200]}")
        time.sleep(0.6)  # dynalite keeps new tables CREATING for 500 ms
        items = [{"pk": {"S": f"p{p}"}, "sk": {"S": f"s{s:02d}"}, "data": {"S": "x" * 200}, "n": {"N": "0"}}
                 for p in range(1000) for s in range(10)]
        for i in range(0, len(items), 25):
            status, body = call(self.port, "BatchWriteItem",
                                {"RequestItems": {"bench": [{"PutRequest": {"Item": it}} for it in items[i:i + 25]]}})
            if status != 200:
                raise RuntimeError(f"{self.name}: loading failed: {body[:200]}")
        self.loaded_rss = rss_kb(self.proc.pid)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)


def run_wrk(port, script, seconds, connections, threads):
    env = dict(os.environ, BENCH_WRK_DIR=WRK_DIR)
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s",
                          "-s", os.path.join(WRK_DIR, script), f"http://127.0.0.1:{port}/"],
                         capture_output=True, text=True, env=env).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = int(re.search(r"BENCH_ERRORS (\d+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    p50 = int(re.search(r"BENCH_P50_US (\d+)", out).group(1))
    p99 = int(re.search(r"BENCH_P99_US (\d+)", out).group(1))
    return {"rps": rps, "p50": p50, "p99": p99, "errors": errors, "total": total}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ddbwatch", required=True)
    ap.add_argument("--ddblocal-dir", help="folder with DynamoDBLocal.jar and DynamoDBLocal_lib")
    ap.add_argument("--dynalite", help="path to dynalite's cli.js")
    ap.add_argument("--bare", help="path to bare-server (the HTTP layer's GetItem ceiling)")
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--only", help="comma-separated workload names to run")
    args = ap.parse_args()

    def ddbwatch_mem(port, tmp):
        return [args.ddbwatch, "--port", str(port), "--in-memory"]

    def ddbwatch_disk(port, tmp):
        return [args.ddbwatch, "--port", str(port), "--data-dir", tmp + "/data", "--sync", "full"]

    def ddblocal(in_memory):
        def argv(port, tmp):
            d = args.ddblocal_dir
            return ["java", f"-Djava.library.path={d}/DynamoDBLocal_lib", "-jar", f"{d}/DynamoDBLocal.jar",
                    "-port", str(port), "-disableTelemetry"] + (["-inMemory"] if in_memory else ["-dbPath", tmp])
        return argv

    def dynalite(port, tmp):
        return ["node", args.dynalite, "--port", str(port), "--host", "127.0.0.1", "--createTableMs", "0"]

    groups = {"mem": [Server("ddbwatch", ddbwatch_mem)], "disk": [Server("ddbwatch", ddbwatch_disk)]}
    bare = None
    if args.bare:
        bare = Server("bare server", lambda port, tmp: [args.bare, str(port)])
    if args.ddblocal_dir:
        groups["mem"].append(Server("DynamoDB Local", ddblocal(True)))
        groups["disk"].append(Server("DynamoDB Local", ddblocal(False)))
    if args.dynalite:
        groups["mem"].append(Server("dynalite", dynalite))

    workloads = WORKLOADS
    if args.only:
        wanted = {w.strip() for w in args.only.split(",")}
        workloads = [w for w in WORKLOADS if w[0] in wanted or w[1] in wanted]

    results = {}
    servers_info = {}
    try:
        for gname, servers in groups.items():
            if not any(w[2] == gname for w in workloads):
                continue
            for s in servers:
                print(f"starting {s.name} ({gname}) ...", flush=True)
                s.start()
                s.load()
                servers_info[(s.name, gname)] = s
        if bare:
            bare.start()
        for wname, script, gname in workloads:
            for rnd in range(args.rounds):
                for s in groups[gname] + ([bare] if bare and script == "get.lua" else []):
                    r = run_wrk(s.port, script, args.seconds, args.connections, args.threads)
                    results.setdefault((wname, s.name), []).append(r)
                    print(f"  {wname:32s} {s.name:15s} round {rnd + 1}: {r['rps']:10.0f} req/s"
                          f"  p50 {r['p50'] / 1000:7.2f} ms  p99 {r['p99'] / 1000:7.2f} ms"
                          f"{'  errors ' + str(r['errors']) if r['errors'] else ''}", flush=True)
    finally:
        for servers in groups.values():
            for s in servers:
                s.stop()
        if bare:
            bare.stop()

    names = [s.name for s in groups["mem"]]
    print()
    print("## Throughput (median over rounds; 16 connections, keep-alive)")
    print()
    header = "| workload | " + " | ".join(f"{n} req/s (p50/p99 ms)" for n in names) + " | " + \
             " | ".join(f"ddbwatch / {n}" for n in names[1:]) + " |"
    print(header)
    print("|" + "---|" * (1 + len(names) + len(names) - 1))
    for wname, script, gname in workloads:
        cells, rps = [], {}
        for n in names:
            rs = results.get((wname, n))
            if not rs:
                cells.append("—")
                continue
            med = statistics.median(r["rps"] for r in rs)
            err = sum(r["errors"] for r in rs)
            tot = sum(r["total"] for r in rs)
            p50 = statistics.median(r["p50"] for r in rs) / 1000
            p99 = statistics.median(r["p99"] for r in rs) / 1000
            if err > tot / 100:
                cells.append(f"errors ({err}/{tot})")
                continue
            rps[n] = med
            cells.append(f"{med:,.0f} ({p50:.2f}/{p99:.2f})")
        ratios = []
        for n in names[1:]:
            if "ddbwatch" in rps and n in rps and rps[n] > 0:
                ratios.append(f"{rps['ddbwatch'] / rps[n]:.1f}×")
            else:
                ratios.append("—")
        print(f"| {wname} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
    if bare and results.get(("GetItem", "bare server")) and results.get(("GetItem", "ddbwatch")):
        b = statistics.median(r["rps"] for r in results[("GetItem", "bare server")])
        d = statistics.median(r["rps"] for r in results[("GetItem", "ddbwatch")])
        print()
        print(f"GetItem: ddbwatch {d:,.0f} req/s is {100 * d / b:.0f}% of the bare-server ceiling ({b:,.0f} req/s:"
              " the same HTTP layer answering a fixed GetItem).")
    print()
    print("## Start-up and memory")
    print()
    print("| server | start-up to first answer | idle RSS | RSS with 10k items |")
    print("|---|---|---|---|")
    for (name, gname), s in servers_info.items():
        print(f"| {name} ({'in memory' if gname == 'mem' else 'on disk'}) | {s.startup_ms:.1f} ms | "
              f"{s.idle_rss / 1024:.1f} MB | {s.loaded_rss / 1024:.1f} MB |")


if __name__ == "__main__":
    sys.exit(main())
