"""`recyclenet serve` (the web app alone) and `recyclenet demo` (the whole stack)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.serving import run_simple

from backend.runtime.demo import demo


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--threads", default=8, show_default=True)
@with_appcontext
def serve(host: str, port: int, threads: int) -> None:
    """Serve the API and its docs (a threaded server for a demo or a small city)."""
    click.echo(f"recyclenet on http://{host}:{port}  (API docs: http://{host}:{port}/api/docs)")
    run_simple(host, port, current_app._get_current_object(), threaded=threads > 1, use_reloader=False)


COMMANDS = (serve, demo)
