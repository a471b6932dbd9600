"""A ``concurrent.futures.Executor`` whose jobs run on the queue's workers.

What ``core.jobs.worker_executor`` hands a caller that waits for many independent jobs (the
twin's sweep, ``recyclenet twin --on-workers``). ``submit(job, *args)`` sends one message to
the job's actor (one the runtime declared with ``returns``) and gives back a future; the
worker stores what the job returned with Dramatiq's Results middleware, in Redis, as JSON
(Dramatiq's default encoder: a message or a result is data, never code), and one thread of
the caller's polls for the results and settles the futures.

A worker killed while it runs a job leaves the message unacknowledged: another worker moves
it back to the queue after the heartbeat timeout and runs it again (``queue``). The future
takes the first result stored and stops looking, so each job counts once. A job that raises,
or runs past its time limit, is not retried: its error fails its future (``JobFailed``).
When no job has come back for longer than one may run (``idle_timeout_s``), nothing is
working on them, and every future still open fails rather than wait for ever.

A caller that gives up (a job failed, Ctrl-C) shuts the executor down with
``cancel_futures``: its messages not yet taken are then skipped by the workers
(``SkipCancelled``) instead of running for nobody.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from concurrent.futures import CancelledError, Executor, Future, InvalidStateError

import dramatiq
import redis
from dramatiq.middleware import Middleware, SkipMessage
from dramatiq.results import ResultBackend, ResultFailure, ResultMissing

from backend.core.jobs import JobFailed, QueueUnavailable

log = logging.getLogger(__name__)

BATCH_OPTION = "recyclenet_batch"  # a message option: which executor sent it
_CANCELLED = "recyclenet:cancelled-batch:{}"
CANCELLED_TTL_S = 7 * 24 * 3600  # as long as Dramatiq keeps a dead message


class SkipCancelled(Middleware):
    """Workers skip the messages of an executor whose caller gave up on them."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    def before_process_message(self, broker, message) -> None:
        batch = message.options.get(BATCH_OPTION)
        if batch and self.client.exists(_CANCELLED.format(batch)):
            raise SkipMessage(f"its caller gave up on batch {batch}")


class QueueExecutor(Executor):
    def __init__(
        self, actors: dict, results: ResultBackend, client: redis.Redis, idle_timeout_s: float, poll_s: float = 0.5
    ) -> None:
        self.actors = actors  # job -> its actor
        self.results = results
        self.client = client
        self.idle_timeout_s = idle_timeout_s
        self.poll_s = poll_s
        self.batch = uuid.uuid4().hex
        self._open: dict[str, tuple[dramatiq.Message, Future]] = {}  # message id -> (message, future)
        self._lock = threading.Lock()
        self._closed = False
        self._watcher: threading.Thread | None = None

    def submit(self, fn, /, *args, **kwargs) -> Future:
        actor = self.actors.get(fn)
        if actor is None:
            raise ValueError(f"{fn.__module__}.{fn.__qualname__} is not a job the workers return (runtime.queue.JOBS)")
        if kwargs:
            raise TypeError("a job on the workers takes positional JSON arguments only")
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot submit to an executor that was shut down")
        try:
            message = actor.send_with_options(args=args, **{BATCH_OPTION: self.batch})
        except (redis.RedisError, dramatiq.errors.BrokerError) as exc:
            raise QueueUnavailable(f"the job queue is unavailable: {exc}") from exc
        future: Future = Future()
        future.set_running_or_notify_cancel()  # queued is as good as running: it cannot be taken back
        with self._lock:
            self._open[message.message_id] = (message, future)
            if self._watcher is None:
                self._watcher = threading.Thread(target=self._watch, name="queue-executor", daemon=True)
                self._watcher.start()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._closed = True
            left = list(self._open.values()) if cancel_futures else []
            if cancel_futures:
                self._open.clear()
            watcher = self._watcher
        if left:
            try:
                self.client.set(_CANCELLED.format(self.batch), 1, ex=CANCELLED_TTL_S)
            except redis.RedisError:
                log.warning("could not mark batch %s cancelled: its jobs will still run", self.batch)
            for message, future in left:
                _fail(future, CancelledError(f"{message.actor_name}: its caller gave up"))
        if wait and watcher is not None:
            watcher.join()

    def _watch(self) -> None:
        """Poll for results until no future is open (or the executor was shut down)."""
        last_result = time.monotonic()
        while True:
            with self._lock:
                if not self._open:
                    self._watcher = None
                    return
                open_ = list(self._open.items())
            for message_id, (message, future) in open_:
                if self._settle(message, future):
                    last_result = time.monotonic()
                    with self._lock:
                        self._open.pop(message_id, None)
            if time.monotonic() - last_result > self.idle_timeout_s:
                self._give_up(f"no job came back from the workers in {self.idle_timeout_s:g} s")
            time.sleep(self.poll_s)

    def _settle(self, message: dramatiq.Message, future: Future) -> bool:
        """Settle ``future`` if its result is in; whether it was."""
        try:
            value = self.results.get_result(message, block=False)
        except ResultMissing:
            return False
        except ResultFailure as exc:
            error = f"{exc.orig_exc_type}: {exc.orig_exc_msg}"
            _fail(future, JobFailed(f"{message.actor_name} failed on a worker: {error}"))
        except redis.RedisError as exc:  # Redis away for a moment: the idle timeout bounds how long
            log.warning("reading %s's result: %s", message.actor_name, exc)
            return False
        else:
            try:
                future.set_result(value)
            except InvalidStateError:
                pass  # given up on meanwhile (shutdown, idle timeout)
        try:
            self.client.delete(self.results.build_message_key(message))  # read: no one else wants it
        except redis.RedisError:
            pass  # it expires anyway
        return True

    def _give_up(self, reason: str) -> None:
        with self._lock:
            left = list(self._open.values())
            self._open.clear()
        for message, future in left:
            hint = f"is a `recyclenet worker` taking queue {message.queue_name!r}?"
            _fail(future, JobFailed(f"{message.actor_name}: {reason} ({hint})"))


def _fail(future: Future, exc: BaseException) -> None:
    try:
        future.set_exception(exc)
    except InvalidStateError:
        pass  # settled meanwhile by the other thread
