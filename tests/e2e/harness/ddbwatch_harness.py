#!/usr/bin/python3
"""Start, wait for and stop a ddbwatch server for the end-to-end suites.

One harness for the three client suites (JavaScript, Python, AWS CLI):

  * as a module (the pytest suite imports it): `Server(bin, in_memory=True)`
    starts ddbwatch on a free port, `start()` waits for its ready line,
    `stop()` sends SIGTERM and returns the exit status;
  * `ddbwatch_harness.py run [--data-dir DIR] -- CMD...` starts a server,
    runs CMD with DDB_ENDPOINT set to it, stops the server and exits with
    CMD's status (or 1 if the server crashed or did not exit cleanly);
  * `ddbwatch_harness.py serve [--data-dir DIR]` starts a server, prints
    `ready http://HOST:PORT SECONDS_TO_READY LOG PID` on stdout, and stops it on
    SIGTERM/SIGINT or when its stdin reaches end of file, so a parent that
    dies never leaves a server behind; exits 0 if ddbwatch exited cleanly,
    2 if it died or exited non-zero, 1 if it never became ready. The
    JavaScript suite uses this to restart servers on the same data folder.

The binary comes from the DDBWATCH_BIN environment variable (or --bin). The
server's stdout and stderr go to a log file whose tail is printed when
something goes wrong; the log is removed after a clean run.
"""

import argparse
import ctypes
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

READY_RE = re.compile(r"listening on (http://[^\s]+)")
START_TIMEOUT = float(os.environ.get("DDBWATCH_START_TIMEOUT", "15"))
STOP_TIMEOUT = 15.0


def free_port(host="127.0.0.1"):
    """Returns a TCP port that was free a moment ago on host."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _die_with_parent():
    """preexec_fn: ask Linux to SIGTERM the child if the harness dies."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class ServerError(Exception):
    """ddbwatch did not start, or did not stop cleanly."""


class Server:
    """One ddbwatch process. Not thread-safe; one owner calls start/stop."""

    def __init__(self, binary, data_dir=None, in_memory=None, host="127.0.0.1",
                 sync=None, log_path=None, extra_args=(), cwd=None, env=None):
        self.binary = binary
        self.data_dir = data_dir
        self.in_memory = data_dir is None if in_memory is None else in_memory
        self.host = host
        self.sync = sync
        self.extra_args = list(extra_args)
        self.cwd = cwd
        self.env = env
        self.log_path = log_path
        self.proc = None
        self.endpoint = None
        self.ready_line = None
        self.start_seconds = None
        self._log = None
        self._lines = []

    def argv(self, port):
        args = [self.binary, "--host", self.host, "--port", str(port)]
        if self.in_memory:
            args.append("--in-memory")
        if self.data_dir is not None:
            args += ["--data-dir", self.data_dir]
        if self.sync:
            args += ["--sync", self.sync]
        return args + self.extra_args

    def start(self):
        """Starts ddbwatch and waits for its ready line; returns the endpoint."""
        if not self.binary or not os.access(self.binary, os.X_OK):
            raise ServerError("DDBWATCH_BIN is not an executable file: %r" % (self.binary,))
        if self.log_path is None:
            fd, self.log_path = tempfile.mkstemp(prefix="ddbwatch-e2e-", suffix=".log")
            os.close(fd)
        self._log = open(self.log_path, "a", encoding="utf-8", errors="replace")
        port = free_port(self.host)
        t0 = time.monotonic()
        self.proc = subprocess.Popen(
            self.argv(port), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, cwd=self.cwd, env=self.env,
            preexec_fn=_die_with_parent)
        ready = threading.Event()

        def pump():
            for raw in self.proc.stdout:
                line = raw.decode("utf-8", "replace")
                self._log.write(line)
                self._log.flush()
                self._lines.append(line)
                del self._lines[:-200]
                m = READY_RE.search(line)
                if m and not ready.is_set():
                    self.ready_line = line.strip()
                    self.endpoint = m.group(1).rstrip("/")
                    ready.set()
            ready.set()

        threading.Thread(target=pump, daemon=True).start()
        deadline = t0 + START_TIMEOUT
        while not ready.wait(0.05):
            if time.monotonic() > deadline:
                self.kill()
                raise ServerError("ddbwatch printed no ready line in %.0fs\n%s"
                                  % (START_TIMEOUT, self.tail()))
        if self.endpoint is None:
            self.proc.wait(5)
            raise ServerError("ddbwatch exited with status %s before it was ready\n%s"
                              % (self.proc.returncode, self.tail()))
        self.start_seconds = time.monotonic() - t0
        return self.endpoint

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM):
        """Sends sig, waits for the exit; returns the exit status (0 = clean)."""
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.kill()
                self._close()
                raise ServerError("ddbwatch did not exit within %.0fs of signal %d\n%s"
                                  % (STOP_TIMEOUT, sig, self.tail()))
        rc = self.proc.returncode
        self._close()
        return rc

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def _close(self):
        if self._log is not None:
            time.sleep(0.05)  # let the pump thread copy the last lines
            self._log.close()
            self._log = None

    def discard_log(self):
        """Removes the log file (after a clean run; failures keep theirs)."""
        try:
            os.unlink(self.log_path)
        except (OSError, TypeError):
            pass

    def tail(self, n=30):
        return "".join(self._lines[-n:]) or "(ddbwatch printed nothing)"


def describe_exit(rc):
    if rc is None:
        return "still running"
    if rc < 0:
        return "killed by signal %d" % -rc
    return "exit status %d" % rc


def _start(opts):
    """Starts the server the options describe; returns it, or None after
    printing why it did not start."""
    srv = Server(opts.bin, data_dir=opts.data_dir, sync=opts.sync, log_path=opts.log)
    try:
        srv.start()
    except ServerError as e:
        print("harness: %s" % e, file=sys.stderr)
        return None
    return srv


def _stop(srv):
    """Stops srv with SIGTERM; returns None when it had been running and
    exited with status 0, else a description of what went wrong."""
    if not srv.running():
        srv._close()
        return "ddbwatch died (%s)" % describe_exit(srv.proc.returncode)
    try:
        rc = srv.stop()
    except ServerError as e:
        return str(e)
    return None if rc == 0 else "ddbwatch stopped with %s after SIGTERM" % describe_exit(rc)


def cmd_run(opts):
    srv = _start(opts)
    if srv is None:
        return 1
    print("harness: %s (ready in %.2fs; log %s)" % (srv.ready_line, srv.start_seconds, srv.log_path),
          flush=True)
    env = dict(os.environ, DDB_ENDPOINT=srv.endpoint)
    try:
        rc = subprocess.call(opts.command, env=env)
    except KeyboardInterrupt:
        rc = 130
    problem = _stop(srv)
    if problem or rc:
        print("harness: %s; last lines of ddbwatch's output (all in %s):\n%s"
              % (problem or "tests failed", srv.log_path, srv.tail(20)), file=sys.stderr)
    else:
        srv.discard_log()
    return rc or (1 if problem else 0)


def cmd_serve(opts):
    srv = _start(opts)
    if srv is None:
        return 1
    print("ready %s %.3f %s %d" % (srv.endpoint, srv.start_seconds, srv.log_path, srv.proc.pid), flush=True)
    stop = threading.Event()
    for s in (signal.SIGTERM, signal.SIGINT):
        signal.signal(s, lambda *_: stop.set())

    def watch_stdin():
        # os.read, not sys.stdin: a daemon thread blocked in a buffered read
        # aborts the interpreter at exit.
        try:
            while os.read(0, 4096):
                pass
        except OSError:
            pass
        stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    while not stop.wait(0.1) and srv.running():
        pass
    problem = _stop(srv)
    if problem:
        print("harness: %s (log %s)\n%s" % (problem, srv.log_path, srv.tail()), file=sys.stderr)
        return 2
    srv.discard_log()
    return 0


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bin", default=os.environ.get("DDBWATCH_BIN"), help="ddbwatch binary (default $DDBWATCH_BIN)")
    sub = p.add_subparsers(dest="mode", required=True)
    for name in ("run", "serve"):
        sp = sub.add_parser(name)
        sp.add_argument("--data-dir", help="use this data folder instead of --in-memory")
        sp.add_argument("--sync", choices=("full", "none"))
        sp.add_argument("--log", help="append ddbwatch's output here (default: a new temporary file)")
        if name == "run":
            sp.add_argument("command", nargs=argparse.REMAINDER)
    opts = p.parse_args(argv)
    if opts.mode == "run":
        if opts.command[:1] == ["--"]:
            opts.command = opts.command[1:]
        if not opts.command:
            p.error("run needs a command after --")
        return cmd_run(opts)
    return cmd_serve(opts)


if __name__ == "__main__":
    status = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)  # no interpreter shutdown with the stdin thread still blocked
