"""The database handle: one engine and a scoped session per app, usable outside Flask.

The ingest worker and the CLI use the same ``Database`` object as the web app, so every
write goes through the service layer with the same session rules.

A database that goes away (a restart, a failover, a cut network) must cost the requests
in flight an answer that says "retry shortly", never a 500 or a request that hangs:

- every wait is bounded: connecting (``DATABASE_CONNECT_TIMEOUT_S``), one statement
  (``DATABASE_STATEMENT_TIMEOUT_S``, lock waits included), waiting for a pooled
  connection (``DATABASE_POOL_TIMEOUT_S``), and a server that vanished without closing its
  connections (TCP keepalives and a user timeout below);
- ``unavailable`` tells those failures from programming errors, for the API's 503;
- the pool checks a connection that has been idle a while before handing it out (a
  round trip; a connection used within the last ``PING_IDLE_AFTER_S`` is handed out
  unchecked, as a busy pool's are: under load the check was one statement in seven), and
  SQLAlchemy drops every pooled connection once one of them is found disconnected, so the
  app is back by itself as soon as the server is: no restart.

A request cut mid-transaction leaves nothing: the server rolls back a transaction whose
connection is gone, and the session is discarded at the end of the request.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import scoped_session, sessionmaker

# PostgreSQL error codes that mean "not now" rather than "never": the same request may
# succeed once the server is back, the lock is free or the load has passed.
UNAVAILABLE_SQLSTATE_CLASSES = ("08",)  # connection exceptions
UNAVAILABLE_SQLSTATES = frozenset(
    {
        "57P01",  # admin_shutdown: the server is stopping (a restart, a failover)
        "57P02",  # crash_shutdown: another backend crashed, the server resets
        "57P03",  # cannot_connect_now: the server is starting or recovering
        "57014",  # query_canceled: the statement timeout (lock waits included)
        "55P03",  # lock_not_available
        "53300",  # too_many_connections
        "40001",  # serialization_failure
        "40P01",  # deadlock_detected
    }
)
# SQLite: another connection holds the lock past the busy timeout.
UNAVAILABLE_SQLITE_ERRORS = frozenset({"SQLITE_BUSY", "SQLITE_LOCKED"})

# A server that disappears without closing its sockets (a crashed host, a cut network) is
# noticed by TCP: an idle connection is probed after 10 s, every 5 s, and given up after 3
# unanswered probes; data sent and not acknowledged for 30 s ends the connection. Without
# them a request would wait for the kernel's defaults (hours).
TCP_SETTINGS = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "tcp_user_timeout": 30_000,
}


# A connection checked in less than this long ago is handed out without a round trip to
# check it: a restart or a cut in between costs at most the request that finds it (a 503,
# and the pool is renewed), and a busy pool is not slowed by a check per request.
PING_IDLE_AFTER_S = 2.0


def _ping_if_idle(dbapi_conn, record, proxy) -> None:
    """A checkout: check a connection idle for a while, so a server restarted during a
    quiet spell costs no request; a dead one is replaced (DisconnectionError: the pool
    retries with a new connection)."""
    checked_in = record.info.get("checked_in_at")
    if checked_in is None or time.monotonic() - checked_in < PING_IDLE_AFTER_S:
        return
    try:
        with dbapi_conn.cursor() as cur:
            cur.execute("SELECT 1")
        dbapi_conn.rollback()  # the ping's own transaction (psycopg opens one): not the request's
    except Exception as exc:  # noqa: BLE001 - any failure of the ping means: not this connection
        raise sa_exc.DisconnectionError(f"pooled connection failed its check: {exc}") from exc


def _mark_checked_in(_dbapi_conn, record) -> None:
    record.info["checked_in_at"] = time.monotonic()


@dataclass(frozen=True)
class DatabaseLimits:
    """How long the app waits on the database, in seconds (0: no limit), and how many
    connections each process keeps open to it."""

    connect_s: int
    statement_s: int
    pool_s: int
    pool_size: int = 5

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any]) -> DatabaseLimits:
        return cls(
            int(cfg["DATABASE_CONNECT_TIMEOUT_S"]),
            int(cfg["DATABASE_STATEMENT_TIMEOUT_S"]),
            int(cfg["DATABASE_POOL_TIMEOUT_S"]),
            int(cfg["DATABASE_POOL_SIZE"]),
        )

    def engine_kwargs(self, url: str) -> dict[str, Any]:
        """``create_engine`` arguments that bound every wait, for the database at ``url``."""
        if url.startswith("sqlite"):
            return {}  # one file: no network, and its busy timeout bounds a lock wait
        connect_args: dict[str, Any] = dict(TCP_SETTINGS)
        if self.connect_s:
            connect_args["connect_timeout"] = self.connect_s
        if self.statement_s:
            connect_args["options"] = f"-c statement_timeout={self.statement_s * 1000}"
        # Connections beyond pool_size are opened for one request and closed after it (a
        # fork and an authentication on the server): the pool keeps as many as the
        # process has threads, so a burst does not open and close connections.
        kwargs: dict[str, Any] = {"connect_args": connect_args, "pool_size": self.pool_size}
        if self.pool_s:
            kwargs["pool_timeout"] = self.pool_s
        return kwargs


def unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot serve now (unreachable, restarting, timed
    out, busy), as opposed to a bug or a broken schema: the former is worth a retry."""
    if isinstance(exc, sa_exc.TimeoutError):
        return True  # no pooled connection came free in time
    if not isinstance(exc, sa_exc.DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate:
        return sqlstate[:2] in UNAVAILABLE_SQLSTATE_CLASSES or sqlstate in UNAVAILABLE_SQLSTATES
    if isinstance(orig, sqlite3.Error):
        return getattr(orig, "sqlite_errorname", None) in UNAVAILABLE_SQLITE_ERRORS
    # psycopg: an OperationalError without a server error code is the client failing to
    # reach the server (refused, reset, closed, timed out).
    return isinstance(exc, sa_exc.OperationalError)


def make_engine(url: str, **kwargs) -> Engine:
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url, **kwargs)
    event.listen(engine, "checkout", _ping_if_idle)
    event.listen(engine, "checkin", _mark_checked_in)
    return engine


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # Foreign keys are off by default in SQLite; WAL lets the ingest worker write while
    # the web app reads.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


class Database:
    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.session = scoped_session(sessionmaker(expire_on_commit=False))

    def configure(self, url: str, **engine_kwargs) -> None:
        if self.engine is not None:
            self.engine.dispose()
        self.engine = make_engine(url, **engine_kwargs)
        self.session.remove()
        self.session.configure(bind=self.engine)

    def init_app(self, app) -> None:
        url = app.config["DATABASE_URL"]
        self.configure(url, **DatabaseLimits.from_config(app.config).engine_kwargs(url))
        app.teardown_appcontext(lambda exc: self.session.remove())
