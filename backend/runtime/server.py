"""`recyclenet serve`: the app under gunicorn, used as a library.

The app gunicorn serves is the one the `recyclenet` command built (``create_app`` with the
same settings files and environment), with the job queue installed; each worker process is
forked from it. Forwarded headers are trusted exactly as the app trusts them: the app's
ProxyFix believes X-Forwarded-For and -Proto from TRUSTED_PROXIES hops, so gunicorn accepts
a proxy's scheme header from any peer when TRUSTED_PROXIES > 0 (bind where only the proxy
reaches it) and from none when it is 0; it takes no other header from a proxy.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask
from gunicorn.app.base import BaseApplication

from backend.core.extensions import db


def _post_fork(_server, _worker) -> None:
    # Connections opened before the fork (none, normally) must not be shared between
    # processes: each worker starts its own pool.
    if db.engine is not None:
        db.engine.dispose(close=False)


def gunicorn_options(
    config: Mapping,
    *,
    bind: list[str] | None = None,
    workers: int | None = None,
    threads: int | None = None,
    timeout: int | None = None,
) -> dict:
    """gunicorn's settings from ours; an argument given wins over its setting."""
    trust_proxies = int(config["TRUSTED_PROXIES"]) > 0
    timeout = int(timeout if timeout is not None else config["SERVER_TIMEOUT_S"])
    return {
        "bind": bind or [config["SERVER_BIND"]],
        "workers": int(workers if workers is not None else config["SERVER_WORKERS"]),
        "threads": int(threads if threads is not None else config["SERVER_THREADS"]),
        "worker_class": "gthread",
        "timeout": timeout,
        "graceful_timeout": timeout,
        "forwarded_allow_ips": "*" if trust_proxies else "",
        "forwarder_headers": "",  # no SCRIPT_NAME or PATH_INFO from a proxy: the app is at /
        "post_fork": _post_fork,
        "accesslog": "-",
        # gunicorn's default line and the seconds the request took in the app (%(L)s): what
        # an operator compares with the proxy's time to tell queueing from work.
        "access_log_format": '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(L)s',
        "errorlog": "-",
        "proc_name": "recyclenet-web",
    }


class Server(BaseApplication):
    """gunicorn serving an app object built beforehand."""

    def __init__(self, app: Flask, options: Mapping) -> None:
        self.app = app
        self.options = dict(options)
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.app
