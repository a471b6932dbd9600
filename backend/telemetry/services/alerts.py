"""Alert rules and lifecycle: open -> acknowledged (a person saw it) -> closed (the
condition cleared). One alert per bin and kind stays open at a time."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core import bulk
from backend.core.common import commit, get_or_404
from backend.core.errors import Conflict
from backend.telemetry.codec import ALARMS
from backend.telemetry.models import Alert, BinState

LOW_BATTERY_PCT = 15.0
BATTERY_RECOVERED_PCT = 20.0  # hysteresis: no flapping around the threshold
SENSOR_FAULT_DROP = 30.0  # points lost with no emptying recorded
# Device alarms that open an alert of their own name while the device keeps reporting them.
CONDITION_ALARMS = ("fire", "tilt", "lid_open", "moved", "vandalized")
FIWARE_PRIORITY = ("burning", "vandalized", "dropped", "moved", "lidOpen")

Cache = dict[tuple[int, str], Alert]


def open_alerts(session: Session, bin_ids) -> Cache:
    rows = session.scalars(select(Alert).where(bulk.member_of(session, Alert.bin_id, bin_ids), Alert.state != "closed"))
    return {(a.bin_id, a.kind): a for a in rows}


def open(session: Session, cache: Cache, bin_id: int, kind: str, detail: str, now: datetime) -> None:  # noqa: A001
    if (bin_id, kind) not in cache:
        alert = Alert(bin_id=bin_id, kind=kind, state="open", detail=detail[:255], opened_at=now)
        session.add(alert)
        cache[(bin_id, kind)] = alert


def close(session: Session, cache: Cache, bin_id: int, kind: str, now: datetime) -> None:
    alert = cache.pop((bin_id, kind), None)
    if alert is not None:
        alert.state, alert.closed_at = "closed", now


def evaluate(session: Session, cache: Cache, state: BinState, row: dict, now: datetime) -> None:
    """Alerts from one new reading, compared with the bin's state before it."""
    bin_id = row["bin_id"]
    alarms = set(filter(None, row["alarms"].split(",")))
    for kind in CONDITION_ALARMS:
        if kind in alarms:
            open(session, cache, bin_id, kind, f"device reports {kind}", now)
        else:
            close(session, cache, bin_id, kind, now)
    battery = row["battery_pct"]
    if "low_battery" in alarms or (battery is not None and battery < LOW_BATTERY_PCT):
        open(session, cache, bin_id, "low_battery", f"battery at {battery}%", now)
    elif battery is not None and battery >= BATTERY_RECOVERED_PCT:
        close(session, cache, bin_id, "low_battery", now)
    before, after = state.fill_pct, row["fill_pct"]
    emptied_since = state.last_emptied_at is not None and (
        state.last_reading_at is None or state.last_emptied_at >= state.last_reading_at
    )
    if "sensor_fault" in alarms:
        open(session, cache, bin_id, "sensor_fault", "device reports a sensor fault", now)
    elif before is not None and after is not None and before - after > SENSOR_FAULT_DROP and not emptied_since:
        open(
            session,
            cache,
            bin_id,
            "sensor_fault",
            f"fill dropped from {before:.0f}% to {after:.0f}% with no collection recorded",
            now,
        )
    elif emptied_since:
        close(session, cache, bin_id, "sensor_fault", now)


def device_status(alarms: str) -> str:
    """FIWARE WasteContainer status from the device's alarms (the gravest wins)."""
    statuses = {ALARMS.get(a) for a in alarms.split(",") if a}
    return next((s for s in FIWARE_PRIORITY if s in statuses), "ok")


def acknowledge(session: Session, alert_id: int, user_id: int) -> Alert:
    alert = get_or_404(session, Alert, alert_id, "alert")
    if alert.state == "closed":
        raise Conflict("the alert is already closed")
    if alert.state == "open":
        alert.state = "acknowledged"
        alert.acknowledged_at = datetime.now(UTC)
        alert.acknowledged_by = user_id
        commit(session)
    return alert


def alert_query(*, state: str | None = None, kind: str | None = None, bin_id: int | None = None):
    stmt = select(Alert).order_by(Alert.opened_at.desc(), Alert.id.desc())
    if state:
        stmt = stmt.where(Alert.state == state)
    if kind:
        stmt = stmt.where(Alert.kind == kind)
    if bin_id is not None:
        stmt = stmt.where(Alert.bin_id == bin_id)
    return stmt
