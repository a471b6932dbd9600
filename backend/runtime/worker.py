"""`recyclenet worker`: Dramatiq's own worker command over recyclenet's jobs.

Dramatiq's command starts the processes, runs the job threads in each, stops them on
SIGTERM (the jobs in hand get ``--shutdown-timeout`` to finish; the others go back on the
queue at once), and exits when one of its processes dies unexpectedly, for the service
manager to restart it (its jobs go to the other workers meanwhile). Each process is spawned
fresh and builds the app with ``boot``: the same ``create_app`` and settings as the web.
"""

from __future__ import annotations

import os

from dramatiq import cli as dramatiq_cli

from backend.app import create_app
from backend.runtime.queue import install

_apps: list = []  # the actors run in their app's context: keep it for the process's life


def boot() -> None:
    """Dramatiq's broker setup, in each worker process: the app and its queue."""
    app = create_app()
    if install(app) is None:
        raise RuntimeError("REDIS_URL is not set")
    _apps.append(app)


def run(processes: int, threads: int, queues: tuple[str, ...], shutdown_timeout_s: float) -> int:
    # A process fetches no more jobs than it has threads to run them: a long solve must not
    # keep a second plan waiting in one worker while another worker is idle.
    os.environ["dramatiq_queue_prefetch"] = str(threads)
    argv = [
        f"{__name__}:boot",
        "--processes",
        str(processes),
        "--threads",
        str(threads),
        "--use-spawn",  # no copy of this process's state (its app, its connections)
        "--worker-shutdown-timeout",
        str(int(shutdown_timeout_s * 1000)),
    ]
    if queues:
        argv += ["--queues", *queues]
    return dramatiq_cli.main(dramatiq_cli.make_argument_parser().parse_args(argv))
