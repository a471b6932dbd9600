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
import multiprocessing.connection
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


def _solve_all(conn, parent_pid: int, models: list[Model], params: SolverParams, first: int = 0) -> None:
    """Solve ``models`` one after the other; ``first`` is the number of the first of them in
    the job's list (0 is the plan, any after it the baseline it is compared with)."""
    _die_with_parent(parent_pid)

    def heard(n: int):
        return lambda phase, km: conn.send(("progress", "baseline" if n else phase, km))

    try:
        conn.send(("ok", [solve(model, params, on_progress=heard(first + n)) for n, model in enumerate(models)]))
    except Exception as exc:  # the parent turns it into the plan's error
        conn.send(("error", f"{exc.__class__.__name__}: {exc}"))
    finally:
        conn.close()


class _Child:
    def __init__(self, models: list[Model], params: SolverParams, first: int) -> None:
        self.answer = None
        self.conn, child_conn = _SPAWN.Pipe(duplex=False)
        # Not a daemon: a decomposed solve may start processes of its own.
        self.proc = _SPAWN.Process(target=_solve_all, args=(child_conn, os.getpid(), models, params, first))
        self.proc.start()
        child_conn.close()  # ours is closed, so the child's death reads as end of file


class SolverProcess:
    """Solve ``models`` with ``params`` in a child process, one after the other; or, when
    ``params.num_workers`` allows two processes, each model in a child of its own, side by
    side (the plan and its baseline: a small day's answer in the time of one solve).
    ``phase`` and ``best_km`` say what the plan's solve last reported doing (``routing.progress``)."""

    def __init__(self, models: list[Model], params: SolverParams) -> None:
        self.phase: str = "searching"
        self.best_km: float | None = None
        groups = [[m] for m in models] if params.num_workers >= 2 else [models]
        self.rounds = max(len(g) for g in groups) if groups else 0  # solves one after the other
        self._children: list[_Child] = []
        first = 0
        for group in groups:
            self._children.append(_Child(group, params, first))
            first += len(group)

    def _pending(self) -> list[_Child]:
        return [c for c in self._children if c.answer is None]

    def wait(self, seconds: float) -> bool:
        """Whether every answer is there (or a child is gone), waiting at most ``seconds``;
        the progress reports met on the way are kept in ``phase`` and ``best_km``."""
        deadline = time.monotonic() + seconds
        while self._pending():
            ready = multiprocessing.connection.wait(
                [c.conn for c in self._pending()], max(0.0, deadline - time.monotonic())
            )
            if not ready:
                return False
            for child in self._pending():
                if child.conn not in ready:
                    continue
                try:
                    message = child.conn.recv()
                except EOFError:
                    return True  # a child is gone: ``results`` says so
                if message[0] != "progress":
                    child.answer = message
                    continue
                _, phase, km = message
                if phase != "baseline":
                    self.phase = phase
                    if km is not None:
                        self.best_km = km
                elif len(self._children) == 1:
                    self.phase = phase  # one child: it has moved on to the baseline
        return True

    def results(self) -> list[Result]:
        out: list[Result] = []
        for child in self._children:
            try:
                while child.answer is None:
                    message = child.conn.recv()
                    if message[0] != "progress":
                        child.answer = message
                kind, payload = child.answer
            except EOFError:
                child.proc.join(5)
                raise SolverDied(f"the solver process died (exit code {child.proc.exitcode})") from None
            finally:
                child.conn.close()
            child.proc.join(10)
            if kind == "error":
                raise RuntimeError(payload)
            out.extend(payload)
        return out

    def kill(self) -> None:
        for child in self._children:
            if child.proc.is_alive():
                child.proc.kill()
            child.proc.join(10)
            child.conn.close()
