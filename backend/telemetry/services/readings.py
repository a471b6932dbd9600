"""Telemetry ingest and bin state: what the MQTT worker calls for every batch.

One batch is one transaction: readings (a redelivered copy is a no-op on the unique
(bin, measured_at) key), dead letters, presence, bin state and alerts commit together,
and only then does the worker acknowledge the batch's messages to the broker.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from backend.core import bulk
from backend.network.models import Bin
from backend.telemetry import codec, topics
from backend.telemetry.models import Alert, BinState, DeadLetter, Reading
from backend.telemetry.services import alerts as alert_rules


@dataclass(frozen=True)
class Incoming:
    topic: str
    payload: bytes
    received_at: datetime


@dataclass
class BatchOutcome:
    readings: int = 0
    dead_letters: int = 0
    presence: int = 0
    reasons: list[str] = field(default_factory=list)


class DeviceDirectory:
    """device id -> (bin id, calibration), cached; reloaded when an unknown id shows up
    (at most every ``refresh_s``), so a newly registered bin is picked up quickly."""

    def __init__(self, refresh_s: float = 30.0) -> None:
        self.refresh_s = refresh_s
        self._devices: dict[str, tuple[int, codec.Calibration]] = {}
        self._loaded = -1e9

    def lookup(self, session: Session, device_id: str):
        hit = self._devices.get(device_id)
        if hit is None and time.monotonic() - self._loaded > self.refresh_s:
            rows = session.execute(
                select(Bin.device_id, Bin.id, Bin.empty_distance_mm, Bin.full_distance_mm).where(Bin.active.is_(True))
            )
            self._devices = {d: (i, codec.Calibration(e, f)) for d, i, e, f in rows}
            self._loaded = time.monotonic()
            hit = self._devices.get(device_id)
        return hit


def ingest_batch(
    session: Session, items: list[Incoming], directory: DeviceDirectory, now: datetime | None = None
) -> BatchOutcome:
    now = now or datetime.now(UTC)
    out = BatchOutcome()
    readings: dict[tuple[int, datetime], dict] = {}
    dead: dict[tuple[str, str], dict] = {}
    presence: dict[int, tuple[bool, datetime]] = {}

    def reject(item: Incoming, device_id: str | None, reason: str) -> None:
        digest = hashlib.sha256(item.payload).hexdigest()
        dead[(item.topic, digest)] = {
            "received_at": item.received_at,
            "topic": item.topic[:255],
            "device_id": device_id,
            "payload": item.payload,
            "payload_sha256": digest,
            "reason": reason[:255],
        }
        out.reasons.append(reason)

    for item in items:
        try:
            device_id, kind = topics.parse(item.topic)
        except topics.TopicError as exc:
            reject(item, None, str(exc))
            continue
        entry = directory.lookup(session, device_id)
        if entry is None:
            reject(item, device_id, f"unknown device {device_id!r}")
            continue
        bin_id, calibration = entry
        try:
            if kind == "status":
                presence[bin_id] = (codec.decode_status(item.payload), item.received_at)
                continue
            r = codec.decode(item.payload, calibration, now)
        except codec.PayloadError as exc:
            reject(item, device_id, str(exc))
            continue
        readings[(bin_id, r.measured_at)] = {
            "bin_id": bin_id,
            "measured_at": r.measured_at,
            "received_at": item.received_at,
            "fill_pct": r.fill_pct,
            "distance_mm": r.distance_mm,
            "battery_pct": r.battery_pct,
            "temp_c": r.temp_c,
            "alarms": ",".join(r.alarms),
            "seq": r.seq,
        }

    # Sorted by key, so that two workers writing overlapping batches lock rows in one order.
    bulk.insert_rows(session, Reading.__table__, [readings[k] for k in sorted(readings)])
    bulk.insert_rows(session, DeadLetter.__table__, list(dead.values()))
    _update_states(session, list(readings.values()), presence, now)
    session.commit()
    out.readings, out.dead_letters, out.presence = len(readings), len(dead), len(presence)
    return out


def _states_for(session: Session, bin_ids) -> dict[int, BinState]:
    states = {
        s.bin_id: s
        for s in session.scalars(
            select(BinState).where(BinState.bin_id.in_(bin_ids)).order_by(BinState.bin_id).with_for_update()
        )
    }
    for bin_id in bin_ids:
        if bin_id not in states:
            states[bin_id] = BinState(bin_id=bin_id, device_status="ok", online=False)
            session.add(states[bin_id])
    return states


STATE_COLUMNS = (
    "last_seen",
    "last_reading_at",
    "fill_pct",
    "battery_pct",
    "temp_c",
    "device_status",
    "online",
    "last_emptied_at",
)


def _locked_states(session: Session, touched: set[int]) -> dict[int, SimpleNamespace]:
    """The current state of each touched bin, its row locked until the batch commits, so that
    workers sharing the subscription (one bin's messages can reach any of them) update a
    bin one after the other, each from the state the other committed. Locked in bin order:
    two workers never wait on each other in a cycle. (SQLite has no row locks but one writer
    at a time: a worker whose read state another has since changed fails to write, and its
    batch is retried from the start.)"""
    table = BinState.__table__
    query = (
        select(table).where(bulk.member_of(session, table.c.bin_id, touched)).order_by(table.c.bin_id).with_for_update()
    )
    states = _namespaces(session.execute(query))
    missing = sorted(touched - set(states))
    if missing:  # first message from these bins: create their rows, then lock them too
        bulk.insert_rows(session, table, [{"bin_id": b, "online": False, "device_status": "ok"} for b in missing])
        states.update(_namespaces(session.execute(query.where(bulk.member_of(session, table.c.bin_id, missing)))))
    return states


def _namespaces(result) -> dict[int, SimpleNamespace]:
    # Plain tuples zipped with the keys: Row._mapping per row cost a quarter of the batch.
    keys = list(result.keys())
    states = (SimpleNamespace(**dict(zip(keys, row, strict=True))) for row in result.all())
    return {state.bin_id: state for state in states}


def _update_states(session: Session, rows: list[dict], presence: dict, now: datetime) -> None:
    """New state of every bin the batch touched, written as one batched upsert (the ORM's
    row-by-row UPDATEs were the worker's largest cost)."""
    touched = {r["bin_id"] for r in rows} | set(presence)
    if not touched:
        return
    table = BinState.__table__
    states = _locked_states(session, touched)
    open_alerts = alert_rules.open_alerts(session, touched)
    for row in sorted(rows, key=lambda r: r["measured_at"]):
        state = states[row["bin_id"]]
        state.last_seen = max(filter(None, (state.last_seen, row["received_at"])))
        if not state.online:
            state.online = True
            alert_rules.close(session, open_alerts, row["bin_id"], "offline", now)
        if state.last_reading_at is not None and row["measured_at"] <= state.last_reading_at:
            continue  # late or redelivered: stored, but the state has moved on
        alert_rules.evaluate(session, open_alerts, state, row, now)
        state.last_reading_at = row["measured_at"]
        state.fill_pct, state.battery_pct, state.temp_c = row["fill_pct"], row["battery_pct"], row["temp_c"]
        state.device_status = alert_rules.device_status(row["alarms"])
    for bin_id, (online, at) in presence.items():
        state = states[bin_id]
        state.last_seen = max(filter(None, (state.last_seen, at)))
        if online and not state.online:
            alert_rules.close(session, open_alerts, bin_id, "offline", now)
        elif not online:
            alert_rules.open(session, open_alerts, bin_id, "offline", "device said goodbye (MQTT Last Will)", now)
        state.online = online
    values = [{"bin_id": st.bin_id, **{c: getattr(st, c) for c in STATE_COLUMNS}} for _, st in sorted(states.items())]
    bulk.insert_rows(session, table, values, conflict=["bin_id"], update=STATE_COLUMNS)


def mark_silent_offline(session: Session, silence: timedelta, now: datetime | None = None) -> int:
    """Bins not heard from for ``silence`` go offline, with an alert."""
    now = now or datetime.now(UTC)
    # Locked, and re-checked after any worker's batch that holds the row commits: a bin that
    # has just spoken is no longer silent.
    silent = session.scalars(
        select(BinState)
        .where(BinState.online.is_(True), BinState.last_seen < now - silence)
        .order_by(BinState.bin_id)
        .with_for_update()
    ).all()
    open_alerts = alert_rules.open_alerts(session, {s.bin_id for s in silent})
    for state in silent:
        state.online = False
        alert_rules.open(
            session, open_alerts, state.bin_id, "offline", f"silent since {state.last_seen.isoformat()}", now
        )
    session.commit()
    return len(silent)


def record_emptying(session: Session, bin_id: int, at: datetime) -> None:
    """A truck emptied the bin: its fill restarts from zero, and a drop is no sensor fault."""
    state = _states_for(session, {bin_id})[bin_id]
    state.last_emptied_at = at
    state.fill_pct = 0.0
    alert_rules.close(session, alert_rules.open_alerts(session, {bin_id}), bin_id, "sensor_fault", at)
    session.commit()


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)  # SQLite hands back naive UTC


def record_fill_seen(session: Session, bin_id: int, at: datetime, fill_pct: float) -> bool:
    """A driver saw the bin ``fill_pct`` full at ``at`` and emptied it: for a bin whose sensor
    reports (readings within the forecast's window), two observations join its history: the
    fill seen at ``at`` (no distance: no sensor measured it) and the empty bin a second later.
    The cycle that ended gets a true last point (a rate for a day the sensor reported too
    little), and the forecast restarts from empty instead of from the last sensor reading
    before the collection. A bin without sensor readings gets none: a forecast of two points
    and no rate would stay at zero and take the bin off its round. True when stored; the
    caller commits."""
    from backend.telemetry.services.forecast import HISTORY

    # The state's last reading is the sensor's own (observations leave the state alone).
    state = session.get(BinState, bin_id)
    last = state.last_reading_at if state is not None else None
    if last is None or _aware(last) < at - HISTORY:
        return False
    for when, fill in ((at, fill_pct), (at + timedelta(seconds=1), 0.0)):
        if session.get(Reading, (bin_id, when)) is None:  # a resent event: already there
            session.add(Reading(bin_id=bin_id, measured_at=when, fill_pct=fill))
    session.flush()
    return True


def readings_between(session: Session, bin_id: int, start: datetime, end: datetime):
    return (
        select(Reading)
        .where(Reading.bin_id == bin_id, Reading.measured_at >= start, Reading.measured_at < end)
        .order_by(Reading.measured_at)
    )


def fill_history(session: Session, bin_id: int, since: datetime) -> list[tuple[datetime, float]]:
    rows = session.execute(
        select(Reading.measured_at, Reading.fill_pct)
        .where(Reading.bin_id == bin_id, Reading.measured_at >= since)
        .order_by(Reading.measured_at)
    )
    return [(t, f) for t, f in rows if f is not None]


def fill_histories(session: Session, bin_ids: Select, since: datetime) -> dict[int, list[tuple[datetime, float]]]:
    """``fill_history`` of every bin that the select of bin ids names, in one query: a plan
    of 10,000 bins reads their histories in one pass over the (bin, measured_at) key
    instead of 10,000 round trips. A bin without readings is absent."""
    rows = session.execute(
        select(Reading.bin_id, Reading.measured_at, Reading.fill_pct)
        .where(Reading.bin_id.in_(bin_ids), Reading.measured_at >= since)
        .where(Reading.fill_pct.is_not(None))
        .order_by(Reading.bin_id, Reading.measured_at)
        .execution_options(yield_per=20_000)  # streamed: a city's month of readings is millions of rows
    )
    histories: dict[int, list[tuple[datetime, float]]] = {}
    for bin_id, t, f in rows:
        histories.setdefault(bin_id, []).append((t, f))
    return histories


def stats(session: Session) -> dict[str, int]:
    count = lambda stmt: session.scalar(stmt) or 0  # noqa: E731
    return {
        "readings": count(select(func.count()).select_from(Reading)),
        "dead_letters": count(select(func.count()).select_from(DeadLetter)),
        "devices": count(select(func.count()).select_from(Bin).where(Bin.active.is_(True))),
        "online": count(select(func.count()).select_from(BinState).where(BinState.online.is_(True))),
        "open_alerts": count(select(func.count()).select_from(Alert).where(Alert.state != "closed")),
    }
