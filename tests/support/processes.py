"""The runtime's commands as real processes: `recyclenet worker`, `scheduler`, `serve`.

Each runs in a session (process group) of its own, so a test can SIGKILL a worker with
every process it started, as a machine's death or the OOM killer would. Settings reach it
through the environment, as in production: the suite's settings file plus the test's
database, Redis and whatever else the test names.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def recyclenet_env(database_url: str, redis_url: str, **settings) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECYCLENET_")}
    env.update(
        RECYCLENET_CONFIG="test", DATABASE_URL=database_url, REDIS_URL=redis_url, PYTHONPATH=str(ROOT), **settings
    )
    return {k: str(v) for k, v in env.items()}


class RecyclenetProcess:
    """``recyclenet <args>`` in its own process group, its output in a log file."""

    def __init__(self, args: list[str], env: dict) -> None:
        self.args, self.env = args, env
        self.log = Path(tempfile.mkstemp(prefix=f"recyclenet-{args[0]}-", suffix=".log")[1])
        self.proc: subprocess.Popen | None = None

    def start(self):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from backend.cli import main; main()", *self.args],
            env=self.env,
            cwd=ROOT,
            stdout=open(self.log, "ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """``sig`` to the whole process group (the command and every process it started)."""
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass
            self.proc.wait(30)

    def stop(self, grace_s: float = 20.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            self._reap()
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(grace_s)
        except subprocess.TimeoutExpired:
            pass
        self._reap()

    def close(self) -> None:
        """Stop it and delete its log."""
        self.stop()
        self.log.unlink(missing_ok=True)

    def _reap(self) -> None:
        """Nothing of the group outlives the test."""
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(10)


def wait_for(predicate, timeout: float = 180.0, every: float = 0.3, what: str = "condition"):
    """Poll ``predicate`` until it returns something true; that value. A generous bound, not
    a timed assertion: it only keeps a broken run from hanging."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")
