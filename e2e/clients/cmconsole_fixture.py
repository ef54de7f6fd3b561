"""Run cmconsole for a test suite: one instance per session on a free port,
an empty, reproducible account for every test.

Copy this file next to your tests (the README shows it). With pytest, the
`cmconsole` fixture gives the endpoint and points every AWS SDK and the AWS
CLI at it through AWS_ENDPOINT_URL; `fresh_cmconsole` (autouse) resets the
account and the seed before each test, so ids, ARNs and passwords repeat
from run to run. Without pytest, use `running()` and `reset()` directly.
"""

import contextlib
import json
import os
import subprocess
import urllib.request

READY = "cmconsole listening on "


@contextlib.contextmanager
def running(seed=1, binary=None, extra=()):
    """Starts `cmconsole serve` on a free loopback port (port 0, read back
    from its ready line) with an in-memory store and `--seed`; yields the
    endpoint URL and stops it afterwards."""
    binary = binary or os.environ.get("CMCONSOLE_BIN", "cmconsole")
    proc = subprocess.Popen(
        [binary, "serve", "--listen", "127.0.0.1:0", "--in-memory",
         "--seed", str(seed), "--rate-limit", "0", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        if not line.startswith(READY):
            raise RuntimeError(f"cmconsole did not start: {line!r}")
        yield line[len(READY):].strip()
    finally:
        proc.kill()
        proc.wait()


def reset(endpoint, seed=1):
    """Empties the account (every service and region) and starts the
    random choices over from `seed`."""
    for path, body in (("/api/sim/reset", b""), ("/api/sim/seed", json.dumps({"seed": seed}).encode())):
        request = urllib.request.Request(endpoint + path, data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            answer.read()


@contextlib.contextmanager
def aws_environment(endpoint, region="us-east-1"):
    """Points boto3, the AWS CLI and every other AWS SDK at `endpoint`."""
    saved = dict(os.environ)
    os.environ.update({
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": region,
    })
    try:
        yield endpoint
    finally:
        os.environ.clear()
        os.environ.update(saved)


try:
    import pytest
except ImportError:  # usable without pytest
    pytest = None

if pytest is not None:

    @pytest.fixture(scope="session")
    def cmconsole():
        """The endpoint of a cmconsole started for the session."""
        with running() as endpoint, aws_environment(endpoint):
            yield endpoint

    @pytest.fixture(autouse=True)
    def fresh_cmconsole(cmconsole):
        """An empty account and the same seed before each test."""
        reset(cmconsole)
        yield cmconsole
