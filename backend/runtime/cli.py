"""`recyclenet serve` (the web app), `worker` (the jobs), `scheduler` (the periodic jobs),
`plan-day` (the whole city's day, on the workers) and `demo` (the whole stack)."""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time

import click
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.serving import run_simple

from backend.core.errors import ServiceError
from backend.core.extensions import db
from backend.planning.jobs import submit_plan
from backend.planning.services import cityday, dispatch
from backend.runtime import worker as worker_command
from backend.runtime.demo import demo
from backend.runtime.queue import install
from backend.runtime.scheduler import Scheduler
from backend.runtime.server import Server, gunicorn_options


def _require_queue(app):
    queue = install(app)
    if queue is None:
        raise click.ClickException("REDIS_URL is not set: jobs need the queue's Redis (see README, Configuration)")
    return queue


@click.command("serve")
@click.option("--bind", multiple=True, help="host:port or unix:PATH, repeatable. [default: SERVER_BIND]")
@click.option("--host", help="Shorthand: --bind HOST:PORT with --port.")
@click.option("--port", type=int, help="Shorthand: --bind HOST:PORT with --host (default host 127.0.0.1).")
@click.option("--workers", type=click.IntRange(1, 64), help="Processes. [default: SERVER_WORKERS]")
@click.option("--threads", type=click.IntRange(1, 256), help="Threads per process. [default: SERVER_THREADS]")
@click.option("--timeout", type=click.IntRange(1, 3600), help="Seconds per request. [default: SERVER_TIMEOUT_S]")
@click.option("--dev", is_flag=True, help="Werkzeug's development server instead (one process, threaded).")
@with_appcontext
def serve(bind, host, port, workers, threads, timeout, dev) -> None:
    """Serve the API, its docs and the console with gunicorn (plans go to the job queue when
    REDIS_URL is set, else they are solved inline)."""
    app = current_app._get_current_object()
    install(app)
    binds = list(bind)
    if host or port:
        binds.append(f"{host or '127.0.0.1'}:{port or 5000}")
    options = gunicorn_options(app.config, bind=binds, workers=workers, threads=threads, timeout=timeout)
    first = options["bind"][0]
    click.echo(f"recyclenet on {first}  (API docs: /api/docs){'  [development server]' if dev else ''}")
    if dev:
        dev_host, _, dev_port = first.rpartition(":")
        run_simple(dev_host or "127.0.0.1", int(dev_port), app, threaded=True, use_reloader=False)
        return
    Server(app, options).run()


@click.command("worker")
@click.option("--processes", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--threads", default=2, show_default=True, type=click.IntRange(1, 64), help="Jobs at once in each process."
)
@click.option("--queue", "queues", multiple=True, help="Only these queues (plans, periodic); repeatable.")
@click.option(
    "--shutdown-timeout", default=60.0, show_default=True, help="Seconds a stopping worker gives its jobs to finish."
)
@with_appcontext
def worker(processes: int, threads: int, queues: tuple[str, ...], shutdown_timeout: float) -> None:
    """Run jobs from the queue: plans, re-plans and the periodic jobs."""
    _require_queue(current_app._get_current_object())
    sys.exit(worker_command.run(processes, threads, queues, shutdown_timeout))


@click.command("plan-day")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), required=True)
@click.option("--time-limit", type=click.FloatRange(1, 600), help="Solver seconds per plan (and per part).")
@click.option("--wait/--no-wait", default=True, show_default=True, help="Follow the plans until they end.")
@with_appcontext
def plan_day(day, time_limit: float | None, wait: bool) -> None:
    """Plan the whole city's day: a plan per sorting center, solved side by side by the
    workers (queued when REDIS_URL is set, else solved here one after the other)."""
    app = current_app._get_current_object()
    install(app)
    raw = {"time_limit": time_limit} if time_limit is not None else {}
    try:
        city_day = cityday.create_city_day(db.session(), day.date(), dispatch.plan_options(app.config, raw), None)
        for plan in city_day.plans:
            submit_plan(plan.id)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"city day {city_day.id}: {len(city_day.plans)} plans queued")
    started = time.monotonic()
    while True:
        db.session.expire_all()
        view = cityday.city_day_view(db.session(), cityday.get_city_day(db.session(), city_day.id))
        db.session.rollback()
        if not wait or view["status"] not in ("queued", "solving"):
            break
        time.sleep(2)
    for p in view["plans"]:
        click.echo(
            f"  plan {p['id']:>6} center {p['center_id']:>5} {p['status']:>9} parts {p['parts']:>2} {p['error']}"
        )
    click.echo(f"city day {city_day.id}: {view['status']} {view['counts']} after {time.monotonic() - started:.1f} s")
    if wait and view["status"] != "done":
        raise click.ClickException(f"city day {city_day.id} {view['status']}")


@click.command("scheduler")
@with_appcontext
def scheduler() -> None:
    """Queue the periodic jobs, each once per period however many schedulers run."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = current_app._get_current_object()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    Scheduler(app, _require_queue(app)).run(stop)


COMMANDS = (serve, worker, scheduler, plan_day, demo)
