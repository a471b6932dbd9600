"""The pool's check of a connection at checkout: one idle for a while is checked and replaced
if the server dropped it; one used a moment ago is handed out without a round trip."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from backend.core import db as core_db
from backend.core.db import DatabaseLimits, make_engine


@pytest.fixture
def pg_engine(fresh_db_url):
    url = fresh_db_url("postgresql")
    engine = make_engine(url, **DatabaseLimits(connect_s=5, statement_s=0, pool_s=5, pool_size=2).engine_kwargs(url))
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    yield engine, statements
    engine.dispose()


def backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def terminate(outside, pid: int) -> None:
    with outside.connect() as other:  # an engine of its own, outside the pool under test
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


def test_an_idle_connection_the_server_dropped_is_replaced_without_a_failed_request(pg_engine, monkeypatch):
    """The backend of the only pooled connection is terminated while it idles: the next
    request gets a new connection and its answer, not a disconnect."""
    engine, _ = pg_engine
    monkeypatch.setattr(core_db, "PING_IDLE_AFTER_S", 0.0)  # every checked-in connection counts as idle
    first = backend_pid(engine)
    watcher = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        terminate(watcher, first)
    finally:
        watcher.dispose()
    second = backend_pid(engine)  # would raise OperationalError without the check
    assert second != first


def test_a_connection_used_a_moment_ago_is_handed_out_unchecked(pg_engine, monkeypatch):
    """Back-to-back requests on a busy pool send only their own statements (no ping each)."""
    engine, statements = pg_engine
    monkeypatch.setattr(core_db, "PING_IDLE_AFTER_S", 3600.0)
    for _ in range(3):
        backend_pid(engine)
    assert statements == ["SELECT pg_backend_pid()"] * 3
