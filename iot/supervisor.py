"""`recyclenet ingest --processes N`: N ingest workers under one supervisor.

One Python process moves at most what one core can: paho's network thread and the
batch writer share its interpreter lock. Several processes in the shared subscription
group ($share/ingest/...) split the stream; the service layer locks each bin's state row
so that workers take turns on a bin whatever order its messages reach them in.

Each child is a plain `recyclenet ingest` with the client id ``{client_id}-{i}``: stable,
so its persistent session (and the messages the broker holds for it) outlives a restart.
A child that dies is started again after a pause that doubles while it keeps dying young
(a worker that cannot reach its database must not burn the CPU restarting); SIGTERM or
SIGINT stops them all.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time

log = logging.getLogger("recyclenet.ingest")
RESTART_PAUSE_S = 2.0
MAX_RESTART_PAUSE_S = 60.0
LIVED_LONG_S = 60.0  # a child that ran this long starts again from the shortest pause


def child_command(client_id: str, batch_size: int, session_expiry: int) -> list[str]:
    return [
        sys.executable,
        "-c",
        "from backend.cli import main; main()",
        "ingest",
        "--client-id",
        client_id,
        "--batch-size",
        str(batch_size),
        "--session-expiry",
        str(session_expiry),
    ]


def stop_process(proc: subprocess.Popen, grace_s: float = 15.0) -> None:
    """SIGTERM (a worker acknowledges its batch and disconnects), SIGKILL after the grace."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def _die_with_parent() -> None:
    """Linux: a child gets SIGTERM if the supervisor is killed outright (no orphans)."""
    try:
        import ctypes  # local: only this Linux-only call needs it

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _spawn(command: list[str]) -> subprocess.Popen:
    return subprocess.Popen(command, preexec_fn=_die_with_parent)


def run(processes: int, client_id: str, batch_size: int, session_expiry: int) -> int:
    commands = [child_command(f"{client_id}-{i + 1}", batch_size, session_expiry) for i in range(processes)]
    children = [_spawn(cmd) for cmd in commands]
    started = [time.monotonic()] * processes
    pauses = [RESTART_PAUSE_S] * processes
    restart_at: list[float | None] = [None] * processes
    stopping = False

    def stop(*_) -> None:
        nonlocal stopping
        stopping = True
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, stop)
    log.info("started %d ingest workers", processes)
    while not stopping:
        time.sleep(0.2)
        now = time.monotonic()
        for i, child in enumerate(children):
            if stopping or child.poll() is None:
                continue
            if restart_at[i] is None:
                pauses[i] = RESTART_PAUSE_S if now - started[i] > LIVED_LONG_S else pauses[i]
                restart_at[i] = now + pauses[i]
                log.error("worker %d exited with %s; restarting in %.0fs", i + 1, child.returncode, pauses[i])
                pauses[i] = min(pauses[i] * 2, MAX_RESTART_PAUSE_S)
            elif now >= restart_at[i]:
                children[i], started[i], restart_at[i] = _spawn(commands[i]), now, None
    return max((child.wait() for child in children), default=0)
