"""Background work as the domains see it: ``enqueue(job, *args)``.

A job is a plain function in a domain's ``jobs.py``, called as ``job(config, *args)`` with
the app's settings and JSON-able arguments. Where it runs is not the domain's business:
``backend.runtime.queue`` installs a sender on the app when a queue is configured
(``REDIS_URL``), and the job becomes a message that a worker process acknowledges only once
the job has returned. Without a queue (the tests, the command line, a laptop) the job runs
inline, in the caller, before ``enqueue`` returns.

The queue is installed by the runtime (an entry point above every domain), not imported by
the domains: the same inversion as ``core.auth``'s user loader.

A caller that waits for what many independent jobs return (the twin's sweep) asks for
``worker_executor(app)``: a ``concurrent.futures.Executor`` whose jobs run on the workers,
which the runtime sets with the queue (and the ``recyclenet`` command offers on its app,
installing the queue only when asked). Such a job is called as ``job(*args)``, as
``Executor.submit`` does, takes and returns plain JSON, and must be one the runtime declares
(``backend.runtime.queue.JOBS``).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from flask import Flask, current_app

from backend.core.errors import ServiceError

Job = Callable[..., Any]
Sender = Callable[[Job, tuple], None]
_SENDER = "recyclenet.job_sender"
_EXECUTOR = "recyclenet.worker_executor"


class RetryLater(Exception):
    """A job that cannot run yet (another worker seems to hold its object): the queue
    delivers it again after ``delay_s``; inline, it is dropped with this reason."""

    def __init__(self, reason: str, delay_s: float = 5.0) -> None:
        super().__init__(reason)
        self.delay_s = delay_s


class QueueUnavailable(ServiceError):
    """The queue did not take the job (Redis unreachable): 503, try again later."""

    status = 503


class JobFailed(Exception):
    """A job whose result the caller waited for failed on a worker (it raised, or ran past
    its time limit), or no worker returned it in time: the message says which and why."""


def set_sender(app: Flask, sender: Sender) -> None:
    """Send the app's jobs to a queue (the runtime's), instead of running them inline."""
    app.extensions[_SENDER] = sender


def has_queue(app: Flask) -> bool:
    return _SENDER in app.extensions


def set_worker_executor(app: Flask, factory: Callable[[], Executor]) -> None:
    """Let the app's commands run jobs on the queue's workers and wait for their results."""
    app.extensions[_EXECUTOR] = factory


def worker_executor(app: Flask) -> Executor | None:
    """A new executor over the queue's workers (shut it down when done), or None when this
    app reaches no queue. Its futures fail with ``JobFailed``."""
    factory = app.extensions.get(_EXECUTOR)
    return factory() if factory is not None else None


def enqueue(job: Job, *args) -> None:
    """Run ``job(config, *args)`` on a worker, or inline when the app has no queue."""
    app = current_app._get_current_object()
    sender = app.extensions.get(_SENDER)
    if sender is not None:
        sender(job, args)
        return
    if app.config.get("REDIS_URL"):
        # A queue is configured but nobody wired it: solving in the web request would hold
        # it for minutes and bypass the workers. Serve with `recyclenet serve` (or the WSGI
        # entry point backend.runtime.wsgi:app), which installs the queue.
        raise RuntimeError("REDIS_URL is set but this app has no job queue installed (backend.runtime.queue)")
    try:
        job(app.config, *args)
    except RetryLater:
        pass  # inline there is no one else to wait for
