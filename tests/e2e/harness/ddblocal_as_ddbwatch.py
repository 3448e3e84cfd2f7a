#!/usr/bin/python3
"""A stand-in for the ddbwatch binary that runs DynamoDB Local instead.

It takes ddbwatch's command line and prints a ddbwatch-like ready line, so the
e2e harness and the tests that restart a server (persistence) can be
sanity-checked without ddbwatch:

  DDBWATCH_BIN=tests/e2e/harness/ddblocal_as_ddbwatch.py DDB_ENDPOINT_IS_DDBLOCAL=1 tests/e2e/run.sh

DDBLOCAL_DIR is the folder holding DynamoDBLocal.jar (default: the one the
amplify-dynamodb-simulator npm package ships under /opt/oracle). Exits 0 after
SIGTERM/SIGINT; Java gets SIGTERM if this process dies.
"""
import argparse, ctypes, os, signal, socket, subprocess, sys, time

def pdeathsig():
    try:
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass

p = argparse.ArgumentParser()
p.add_argument("--host", default="127.0.0.1")
p.add_argument("--port", type=int, default=8000)
p.add_argument("--data-dir")
p.add_argument("--in-memory", action="store_true")
p.add_argument("--sync")
o = p.parse_args()
d = os.environ.get("DDBLOCAL_DIR", "/opt/oracle/node_modules/amplify-dynamodb-simulator/emulator")
if o.in_memory or not o.data_dir:
    store = ["-inMemory"]
else:
    os.makedirs(o.data_dir, exist_ok=True)
    store = ["-dbPath", os.path.abspath(o.data_dir)]
java = subprocess.Popen(["java", "-Djava.library.path=./DynamoDBLocal_lib", "-jar", "DynamoDBLocal.jar", *store,
                         "-port", str(o.port), "-disableTelemetry"], cwd=d, stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL, preexec_fn=pdeathsig)
stopping = False

def stop(*_):
    global stopping
    stopping = True
    java.terminate()

signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
while java.poll() is None:
    try:
        socket.create_connection((o.host, o.port), timeout=1).close()
        print("ddbwatch stand-in (DynamoDB Local) listening on http://%s:%d" % (o.host, o.port), flush=True)
        break
    except OSError:
        time.sleep(0.1)
rc = java.wait()
sys.exit(0 if stopping else (rc or 1))
