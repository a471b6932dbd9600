"""A solve in a child process that its job can watch and stop.

OR-Tools holds the interpreter lock for a whole search (measured: a thread meant to tick
every 0.2 s did not run once during an 8 s solve). Solved in the worker's own process, a
plan would silence the worker's other threads for minutes: the queue's heartbeat (another
worker would then take the job over), the plan's progress, its cancellation. In a child
process the job's thread stays free to report progress, notice a cancellation and stop the
search by killing the child.

This module imports only the routing library: it is what the spawned child loads.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

from routing import Model, SolverParams, solve
from routing.result import Result

_SPAWN = multiprocessing.get_context("spawn")  # a clean child: no copy of a threaded parent


class SolverDied(RuntimeError):
    """The child ended without an answer (killed, out of memory)."""


def _die_with_parent(parent_pid: int) -> None:
    """Linux: the child is killed when the worker dies, rather than solving on for nobody."""
    try:
        import ctypes  # local: only this Linux-only call needs it

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass
    if os.getppid() != parent_pid:  # the parent died before the line above
        os._exit(1)


def _solve_all(conn, parent_pid: int, models: list[Model], params: SolverParams) -> None:
    _die_with_parent(parent_pid)

    def heard(n: int):
        # The first model is the plan; any after it is the baseline it is compared with.
        return lambda phase, km: conn.send(("progress", "baseline" if n else phase, km))

    try:
        conn.send(("ok", [solve(model, params, on_progress=heard(n)) for n, model in enumerate(models)]))
    except Exception as exc:  # the parent turns it into the plan's error
        conn.send(("error", f"{exc.__class__.__name__}: {exc}"))
    finally:
        conn.close()


class SolverProcess:
    """Solve ``models`` one after the other with ``params`` in a child process. ``phase``
    and ``best_km`` say what it last reported doing (``routing.progress``)."""

    def __init__(self, models: list[Model], params: SolverParams) -> None:
        self.phase: str = "searching"
        self.best_km: float | None = None
        self._answer = None
        self._conn, child_conn = _SPAWN.Pipe(duplex=False)
        # Not a daemon: a decomposed solve may start processes of its own.
        self._proc = _SPAWN.Process(target=_solve_all, args=(child_conn, os.getpid(), models, params), daemon=False)
        self._proc.start()
        child_conn.close()  # ours is closed, so the child's death reads as end of file

    def wait(self, seconds: float) -> bool:
        """Whether the answer is there (or the child is gone), waiting at most ``seconds``;
        the child's progress reports met on the way are kept in ``phase`` and ``best_km``."""
        deadline = time.monotonic() + seconds
        while self._answer is None and self._conn.poll(max(0.0, deadline - time.monotonic())):
            try:
                message = self._conn.recv()
            except EOFError:
                return True  # the child is gone: ``results`` says so
            if message[0] != "progress":
                self._answer = message
                break
            _, self.phase, km = message
            if km is not None and self.phase != "baseline":
                self.best_km = km
        return self._answer is not None

    def results(self) -> list[Result]:
        try:
            if self._answer is None:
                self._answer = self._conn.recv()
            kind, payload = self._answer
        except EOFError:
            self._proc.join(5)
            raise SolverDied(f"the solver process died (exit code {self._proc.exitcode})") from None
        finally:
            self._conn.close()
        self._proc.join(10)
        if kind == "error":
            raise RuntimeError(payload)
        return payload

    def kill(self) -> None:
        if self._proc.is_alive():
            self._proc.kill()
        self._proc.join(10)
        self._conn.close()
