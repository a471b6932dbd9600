"""Background work as the domains see it: ``enqueue(job, *args)``.

A job is a plain function in a domain's ``jobs.py``, called as ``job(config, *args)`` with
the app's settings and JSON-able arguments. Where it runs is not the domain's business:
``backend.runtime.queue`` installs a sender on the app when a queue is configured
(``REDIS_URL``), and the job becomes a message that a worker process acknowledges only once
the job has returned. Without a queue (the tests, the command line, a laptop) the job runs
inline, in the caller, before ``enqueue`` returns.

The queue is installed by the runtime (an entry point above every domain), not imported by
the domains: the same inversion as ``core.auth``'s user loader.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

from backend.core.errors import ServiceError

Job = Callable[..., Any]
Sender = Callable[[Job, tuple], None]
_SENDER = "recyclenet.job_sender"


class RetryLater(Exception):
    """A job that cannot run yet (another worker seems to hold its object): the queue
    delivers it again after ``delay_s``; inline, it is dropped with this reason."""

    def __init__(self, reason: str, delay_s: float = 5.0) -> None:
        super().__init__(reason)
        self.delay_s = delay_s


class QueueUnavailable(ServiceError):
    """The queue did not take the job (Redis unreachable): 503, try again later."""

    status = 503


def set_sender(app: Flask, sender: Sender) -> None:
    """Send the app's jobs to a queue (the runtime's), instead of running them inline."""
    app.extensions[_SENDER] = sender


def has_queue(app: Flask) -> bool:
    return _SENDER in app.extensions


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
