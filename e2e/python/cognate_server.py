"""Starts a Cognate server (the binary named by COGNATE_BIN) for a test.

The server listens on 127.0.0.1 on a free port, keeps its data in a fresh
temporary directory, and uses the admin keys below. Every wait is bounded.
"""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

ACCESS_KEY_ID = "AKIACOGNATEPYTEST001"
SECRET_ACCESS_KEY = "py/Secret/Key/For/Cognate/End/To/End/Tests"
REGION = "us-east-1"
READY_TIMEOUT = 15.0


def binary():
    path = os.environ.get("COGNATE_BIN", "")
    if not path:
        raise RuntimeError(
            "COGNATE_BIN is not set: go build -o /tmp/cognate ./cmd/cognate, then "
            "COGNATE_BIN=/tmp/cognate python3 -m unittest discover -s e2e/python -v"
        )
    if not os.access(path, os.X_OK):
        raise RuntimeError("COGNATE_BIN=%s is not an executable file" % path)
    return os.path.abspath(path)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="cognate-py-")
        self.log_path = os.path.join(self.dir, "server.log")
        bin_path = binary()
        for _ in range(3):  # a port found free may be taken before the bind
            self.port = free_port()
            self.url = "http://127.0.0.1:%d" % self.port
            env = {k: v for k, v in os.environ.items() if not k.startswith("COGNATE_")}
            env.update(COGNATE_ACCESS_KEY_ID=ACCESS_KEY_ID, COGNATE_SECRET_ACCESS_KEY=SECRET_ACCESS_KEY)
            self.log = open(self.log_path, "wb")
            self.proc = subprocess.Popen(
                [bin_path, "serve", "--listen", "127.0.0.1:%d" % self.port, "--data-dir", os.path.join(self.dir, "data")],
                env=env, stdout=self.log, stderr=subprocess.STDOUT,
            )
            if self._wait_ready():
                return
            self.stop(remove=False)
            if b"address already in use" not in open(self.log_path, "rb").read():
                break
        output = self.output()
        shutil.rmtree(self.dir, ignore_errors=True)
        raise RuntimeError("cognate did not start; output:\n" + output)

    def _wait_ready(self):
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=1) as r:
                    if r.status == 200:
                        return True
            except OSError:
                pass
            time.sleep(0.1)
        return False

    def output(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")[-4000:]
        except OSError:
            return ""

    def outbox(self, pool_id, username):
        """Messages the server delivered to a user, oldest first."""
        q = urllib.parse.urlencode({"pool": pool_id, "username": username})
        with urllib.request.urlopen("%s/_cognate/outbox?%s" % (self.url, q), timeout=5) as r:
            return json.loads(r.read()) or []

    def stop(self, remove=True):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.log.close()
        if remove:
            shutil.rmtree(self.dir, ignore_errors=True)
