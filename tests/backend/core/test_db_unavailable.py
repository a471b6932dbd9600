"""When the database cannot serve now: which errors count (real errors from real servers),
a statement stuck behind a lock ends at the statement timeout as a 503, and the spec
declares the 503 on every operation."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy import exc as sa_exc

from backend.bookings.models import Booking, SlotUsage
from backend.core.db import DatabaseLimits, make_engine, unavailable
from tests.backend.bookings.conftest import window
from tests.backend.conftest import build_world
from tests.backend.core.test_db_faults import write_locks_held
from tests.conftest import _test_settings
from tests.support.servers import free_port

BOOKING = {"items": [{"category": "glass", "quantity": 5}], "window_start": window(8)}


def raised(engine, sql: str) -> BaseException:
    with pytest.raises(sa_exc.SQLAlchemyError) as caught, engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()
    return caught.value


def test_a_bug_in_a_query_is_not_unavailability(fresh_db_url, backend_name):
    """A query against a table that does not exist fails the same way every time: no 503
    (and no retry) hides it."""
    engine = make_engine(fresh_db_url(backend_name))
    assert not unavailable(raised(engine, "SELECT * FROM no_such_table"))


def test_a_server_nobody_listens_for_is_unavailable():
    """Connecting to a port where no PostgreSQL listens is a database that is away."""
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/none"
    engine = make_engine(url, **DatabaseLimits(connect_s=2, statement_s=0, pool_s=0).engine_kwargs(url))
    assert unavailable(raised(engine, "SELECT 1"))


def test_a_locked_sqlite_file_is_unavailable(tmp_path):
    """SQLite's "database is locked" (another writer past the busy timeout) is worth a retry."""
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        impatient = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
        assert unavailable(raised(impatient, "SELECT * FROM t"))
    finally:
        holder.close()


@pytest.mark.parametrize("seconds,shown", [(7, "7s"), (0, "0")])
def test_the_statement_timeout_setting_reaches_every_postgres_session(fresh_db_url, seconds, shown):
    """DATABASE_STATEMENT_TIMEOUT_S is the server's statement_timeout in the app's sessions;
    0 leaves the server's own (none)."""
    from backend.app import create_app
    from backend.core.extensions import db

    url = fresh_db_url("postgresql")
    app = create_app({**_test_settings(), "DATABASE_URL": url, "DATABASE_STATEMENT_TIMEOUT_S": seconds})
    with app.app_context():
        assert db.session.scalar(text("SHOW statement_timeout")) == shown
    db.session.remove()
    db.engine.dispose()


def test_the_statement_timeout_ends_a_postgres_statement_stuck_behind_a_lock(fresh_db_url):
    """DATABASE_STATEMENT_TIMEOUT_S = 1 and a booking that waits on a table another session
    holds: it answers 503 with Retry-After instead of waiting, keeps nothing (its slot is
    not taken), and the same booking succeeds once the lock is gone."""
    from backend.app import create_app
    from backend.core.extensions import db

    url = fresh_db_url("postgresql")
    app = create_app({**_test_settings(), "DATABASE_URL": url, "DATABASE_STATEMENT_TIMEOUT_S": 1})
    client = app.test_client()
    with app.app_context():
        world = build_world(client, db.session())
    db.session.remove()
    headers = world.headers("resident")
    with write_locks_held(url), ThreadPoolExecutor(1) as pool:
        # In a thread: without a statement timeout it would wait as long as the lock is held.
        stuck = pool.submit(client.post, "/api/v1/bookings", json=BOOKING, headers=headers).result(timeout=60)
    assert stuck.status_code == 503, stuck.get_json()
    assert int(stuck.headers["Retry-After"]) >= 1
    assert stuck.get_json()["code"] == 503
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Booking)) == 0
        assert db.session.scalar(select(func.coalesce(func.sum(SlotUsage.booked), 0))) == 0
    db.session.remove()
    assert client.post("/api/v1/bookings", json=BOOKING, headers=headers).status_code == 201
    with app.app_context():
        assert db.session.scalar(select(SlotUsage.booked)) == 1
    db.session.remove()
    db.engine.dispose()


def test_every_operation_declares_the_503_and_its_retry_after(client):
    """The published spec says of every operation that it may answer 503 with a Retry-After
    header, in the API's error shape."""
    spec = client.get("/api/openapi.json").get_json()
    operations = [
        (path, method, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]
    assert len(operations) >= 40
    missing = [(path, method) for path, method, op in operations if "503" not in op["responses"]]
    assert missing == []
    declared = spec["components"]["responses"]["DATABASE_UNAVAILABLE"]
    assert declared["headers"]["Retry-After"]["required"] is True
    assert declared["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert {op["responses"]["503"]["$ref"] for _, _, op in operations} == {
        "#/components/responses/DATABASE_UNAVAILABLE"
    }
