"""PostgreSQL going away under a live app: bookings and intakes in flight answer 503 with
Retry-After (never a 500, never a hang), the app recovers by itself once the server is
back, and no booking or intake is left half-written."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import count, cycle

import pytest
from sqlalchemy import create_engine, func, select, text
from werkzeug.serving import make_server

from backend.bookings.models import Booking, BookingEvent, BookingItem, SlotUsage
from backend.core import migrate
from backend.intake.models import Intake, IntakeLine, StockMovement
from backend.network.models import Vehicle
from tests.backend.bookings.conftest import TZ
from tests.backend.conftest import build_world
from tests.conftest import _test_settings, pg_admin
from tests.support.clock import city_today
from tests.support.mqtt import wait_until
from tests.support.servers import PostgresServer, free_port

BOOKING_ITEMS = [{"category": "glass", "quantity": 5}, {"category": "paper.cardboard", "quantity": 12}]
INTAKE_LINES = [
    {"category": "paper.cardboard", "gross_kg": 3400},
    {"category": "glass", "gross_kg": 3200},
    {"category": "paper.mixed", "gross_kg": 3100},
]
REQUEST_TIMEOUT_S = 60  # a request not answered by then counts as hung


@dataclass
class Answer:
    kind: str
    status: int | None  # None: no answer at all (the request hung or the connection broke)
    headers: dict
    body: object


def call(method: str, url: str, token: str, body=None) -> tuple[int | None, dict, object]:
    req = urllib.request.Request(
        url,
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=REQUEST_TIMEOUT_S) as resp:
            return resp.status, dict(resp.headers), json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), json.loads(exc.read() or b"null")
    except OSError as exc:
        return None, {}, repr(exc)


@dataclass
class Traffic:
    """Residents booking (and cancelling every third booking) and an operator logging
    intakes, each in a thread, as fast as the app answers; a 503 is retried after its
    Retry-After, as a well-behaved client does."""

    base: str
    world: object
    answers: list[Answer] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, status, headers, body) -> Answer:
        answer = Answer(kind, status, headers, body)
        with self.lock:
            self.answers.append(answer)
        if status == 503:
            time.sleep(int(headers.get("Retry-After", 1)))
        return answer

    def book(self, who: str, offset: int) -> None:
        token = self.world.tokens[who]
        windows = cycle(
            datetime.combine(city_today() + timedelta(days=day), datetime.min.time(), TZ) + timedelta(hours=hour)
            for day in range(2, 12)
            for hour in (8, 10, 13, 15)
        )
        for _ in range(offset):
            next(windows)
        made = count()
        while not self.stopping.is_set():
            body = {"items": BOOKING_ITEMS, "window_start": next(windows).isoformat()}
            answer = self.record("booking", *call("POST", f"{self.base}/api/v1/bookings", token, body))
            if answer.status == 201 and next(made) % 3 == 0:
                url = f"{self.base}/api/v1/bookings/{answer.body['id']}/cancel"
                self.record("cancel", *call("POST", url, token, {"reason": "changed my mind"}))

    def log_intakes(self) -> None:
        token = self.world.tokens["operator"]
        url = f"{self.base}/api/v1/sorting-centers/{self.world.ids['center_a']}/intakes"
        while not self.stopping.is_set():
            self.record(
                "intake", *call("POST", url, token, {"vehicle_id": self.world.ids["vehicle"], "lines": INTAKE_LINES})
            )

    def start(self) -> None:
        jobs = [(self.book, ("resident", 0)), (self.book, ("resident2", 7)), (self.book, ("resident", 19))]
        jobs.append((self.log_intakes, ()))
        for target, args in jobs:
            thread = threading.Thread(target=target, args=args, daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(REQUEST_TIMEOUT_S + 10)
        assert not any(t.is_alive() for t in self.threads), "a request never came back"

    def since(self, mark: int, kind: str, status: int) -> int:
        with self.lock:
            return sum(1 for a in self.answers[mark:] if a.kind == kind and a.status == status)

    def seen(self) -> Counter:
        """How many answers of each (kind, status) so far: what a failed wait reports."""
        with self.lock:
            return Counter((a.kind, a.status) for a in self.answers)

    def mark(self) -> int:
        with self.lock:
            return len(self.answers)


@pytest.fixture
def own_pg():
    """A PostgreSQL of this test's own (it gets stopped), durable: a crash keeps every
    commit it acknowledged, so what the app said it saved can be counted afterwards."""
    server = PostgresServer(durable=True).start()
    yield server
    server.stop()


@pytest.fixture
def live(own_pg):
    """The app served over HTTP on a free port, on a migrated database of ``own_pg``, with a
    small registry and its users; yields (base URL, world, database URL)."""
    from backend.app import create_app
    from backend.core.extensions import db

    pg_admin(own_pg, "CREATE DATABASE rn_faults")
    url = own_pg.url("rn_faults")
    migrate.upgrade(url)
    app = create_app({**_test_settings(), "DATABASE_URL": url, "DATABASE_RETRY_AFTER_S": 1})
    with app.app_context():
        session = db.session()
        world = build_world(app.test_client(), session)
        session.get(Vehicle, world.ids["vehicle"]).tare_kg = 3000.0
        session.commit()
    db.session.remove()
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", world, url
    server.shutdown()
    db.session.remove()
    db.engine.dispose()


@contextmanager
def write_locks_held(url: str):
    """Another session holds the tables a booking and an intake write last: requests then
    wait mid-transaction, their first rows written but not committed."""
    engine = create_engine(url)
    conn = engine.connect()
    conn.execute(text("LOCK TABLE booking_items, stock_movements IN EXCLUSIVE MODE"))
    try:
        yield
    finally:
        # The server is gone by now: drop the connection without a rollback to send (and
        # close it here rather than leave it to the garbage collector).
        conn.invalidate()
        engine.dispose()


def waiting_on(url: str, table: str) -> int:
    engine = create_engine(url)
    with engine.connect() as c:
        n = c.scalar(
            text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE :q").bindparams(
                q=f"INSERT INTO {table}%"
            )
        )
    engine.dispose()
    return n


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_postgres_going_away_mid_request_answers_503_and_leaves_nothing_half_written(live, own_pg, mode):
    """PostgreSQL stopped (an administrator's restart, or a crash) while bookings and intakes
    are in flight, some of them mid-transaction, then started again: every answer is a 2xx,
    a 4xx or a 503 with Retry-After in the API's error shape, the app serves again without a
    restart, and every booking and intake in the database is whole."""
    base, world, url = live
    traffic = Traffic(base, world)
    traffic.start()
    try:
        assert wait_until(lambda: traffic.since(0, "booking", 201) >= 3 and traffic.since(0, "intake", 201) >= 3), (
            traffic.seen()
        )
        with write_locks_held(url):
            assert wait_until(lambda: waiting_on(url, "booking_items") >= 1 and waiting_on(url, "stock_movements") >= 1)
            cut = traffic.mark()
            own_pg.stop(keep_data=True, mode=mode)
        # The requests caught mid-transaction, and those arriving while the server is down.
        assert wait_until(lambda: traffic.since(cut, "booking", 503) >= 3 and traffic.since(cut, "intake", 503) >= 2), (
            traffic.seen()
        )
        own_pg.start()
        back = traffic.mark()
        # Served again by the same app: no restart.
        assert wait_until(
            lambda: traffic.since(back, "booking", 201) >= 3 and traffic.since(back, "intake", 201) >= 3
        ), traffic.seen()
    finally:
        traffic.stop()

    statuses = traffic.seen()
    assert all(a.status is not None for a in traffic.answers), [a.body for a in traffic.answers if a.status is None]
    assert all(a.status in (200, 201, 503) or 400 <= a.status < 500 for a in traffic.answers), statuses
    for a in traffic.answers:
        if a.status == 503:
            assert int(a.headers["Retry-After"]) >= 1
            assert a.body["code"] == 503 and a.body["status"] == "Service Unavailable" and a.body["message"]
    assert_whole(url, traffic.answers)


def assert_whole(url: str, answers: list[Answer]) -> None:
    """Every booking has its items and history, every window counts exactly its live
    bookings, every intake has its lines and their stock; whatever was answered 2xx is there."""
    engine = create_engine(url)
    with engine.connect() as c:
        items = dict(c.execute(select(BookingItem.booking_id, func.count()).group_by(BookingItem.booking_id)).all())
        created = dict(
            c.execute(
                select(BookingEvent.booking_id, func.count())
                .where(BookingEvent.to_status == "requested")
                .group_by(BookingEvent.booking_id)
            ).all()
        )
        cancelled = dict(
            c.execute(
                select(BookingEvent.booking_id, func.count())
                .where(BookingEvent.to_status == "cancelled")
                .group_by(BookingEvent.booking_id)
            ).all()
        )
        bookings = dict(c.execute(select(Booking.id, Booking.status)).all())
        for booking_id, status in bookings.items():
            assert items.get(booking_id) == len(BOOKING_ITEMS), booking_id
            assert created.get(booking_id) == 1, booking_id
            assert cancelled.get(booking_id, 0) == (status == "cancelled"), booking_id
        live_per_slot = dict(
            c.execute(
                select(Booking.slot_id, func.count()).where(Booking.status != "cancelled").group_by(Booking.slot_id)
            ).all()
        )
        for slot_id, booked in c.execute(select(SlotUsage.id, SlotUsage.booked)):
            assert booked == live_per_slot.get(slot_id, 0), slot_id
        lines = dict(c.execute(select(IntakeLine.intake_id, func.count()).group_by(IntakeLine.intake_id)).all())
        stock = dict(
            c.execute(
                select(StockMovement.intake_id, func.count())
                .where(StockMovement.kind == "intake")
                .group_by(StockMovement.intake_id)
            ).all()
        )
        intakes = set(c.scalars(select(Intake.id)))
    engine.dispose()
    for intake_id in intakes:
        assert lines.get(intake_id) == len(INTAKE_LINES) and stock.get(intake_id) == len(INTAKE_LINES), intake_id
    for a in answers:
        if a.kind == "booking" and a.status == 201:
            assert a.body["id"] in bookings
        if a.kind == "cancel" and a.status == 200:
            assert bookings[a.body["id"]] == "cancelled"
        if a.kind == "intake" and a.status == 201:
            assert a.body["id"] in intakes
