"""Fixtures: throwaway servers, migrated databases cloned per test, the app and its users.

Each test gets a fresh database cloned from a migrated template (a file copy on SQLite,
CREATE DATABASE ... TEMPLATE on PostgreSQL). Unlike a rolled-back outer transaction, this
keeps real commits, so concurrency tests behave as they would in production.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from backend.core import migrate
from tests.support.servers import MosquittoServer, PostgresServer, RedisServer

BACKENDS = ("sqlite", "postgresql")
_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_server():
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def mqtt_broker():
    broker = MosquittoServer().start()
    yield broker
    broker.stop()


@pytest.fixture(scope="session")
def redis_server():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def fresh_redis():
    """A Redis of the test's own: a queue's messages must never reach another test's worker."""
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def job_worker(app, fresh_redis):
    """The app's plans go to a real queue (Dramatiq on the test's Redis) and a real
    `recyclenet worker` process solves them, on the test's database."""
    from backend.runtime.queue import install
    from tests.support.processes import RecyclenetProcess, recyclenet_env

    app.config["REDIS_URL"] = fresh_redis.url
    install(app)
    env = recyclenet_env(app.config["DATABASE_URL"], fresh_redis.url)
    worker = RecyclenetProcess(["worker", "--processes", "1", "--threads", "1"], env).start()
    yield worker
    worker.close()


def pg_admin(server: PostgresServer, sql: str) -> None:
    engine = create_engine(server.url("postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template():
    tmp = Path(tempfile.mkdtemp(prefix="recyclenet-sqlite-"))
    path = tmp / "template.db"
    migrate.upgrade(f"sqlite:///{path}")
    yield path
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_template(pg_server):
    pg_admin(pg_server, "CREATE DATABASE rn_template")
    migrate.upgrade(pg_server.url("rn_template"))
    return "rn_template"


@pytest.fixture
def fresh_db_url(request, tmp_path):
    """A URL factory for a brand-new migrated database on the given backend."""
    created: list[str] = []

    def make(backend: str) -> str:
        if backend == "sqlite":
            target = tmp_path / f"db{next(_counter)}.db"
            shutil.copy(request.getfixturevalue("sqlite_template"), target)
            return f"sqlite:///{target}"
        server = request.getfixturevalue("pg_server")
        template = request.getfixturevalue("pg_template")
        name = f"rn_test_{next(_counter)}"
        pg_admin(server, f"CREATE DATABASE {name} TEMPLATE {template}")
        created.append(name)
        return server.url(name)

    yield make
    if created:
        from backend.core.extensions import db

        db.session.remove()
        if db.engine is not None:
            db.engine.dispose()
        server = request.getfixturevalue("pg_server")
        for name in created:
            pg_admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=BACKENDS)
def backend_name(request):
    return request.param


@pytest.fixture
def db_url(fresh_db_url, backend_name):
    return fresh_db_url(backend_name)


@pytest.fixture
def app(db_url):
    from backend.app import create_app

    app = create_app({"DATABASE_URL": db_url, **_test_settings()})
    yield app
    from backend.core.extensions import db

    db.session.remove()
    db.engine.dispose()


@pytest.fixture
def limited_app(db_url):
    """Factory: an app on the test's database with the rate limits on (the suite's settings
    turn them off), given the settings to change. Create it after any other app of the
    test: the process has one rate limiter, bound to the latest app (as ``db`` is)."""

    def make(**settings):
        from backend.app import create_app

        return create_app({"DATABASE_URL": db_url, **_test_settings(), "RATELIMIT_ENABLED": True, **settings})

    yield make
    from backend.core.extensions import db

    db.session.remove()
    if db.engine is not None:
        db.engine.dispose()


def _test_settings() -> dict:
    import tomllib

    from backend.core.config import CONFIG_DIR

    with open(CONFIG_DIR / "test.toml", "rb") as fh:
        return tomllib.load(fh)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def session(app):
    from backend.core.extensions import db

    with app.app_context():
        yield db.session()
