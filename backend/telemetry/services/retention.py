"""Retention: raw readings for a while, then one per bin and hour, then nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, tuple_
from sqlalchemy.orm import Session

from backend.telemetry.models import Reading


def _hour_bucket(session: Session):
    if session.get_bind().dialect.name == "postgresql":
        return func.date_trunc("hour", Reading.measured_at)
    return func.strftime("%Y-%m-%d %H", Reading.measured_at)


def apply_retention(
    session: Session, keep_raw_days: int, keep_hourly_days: int, now: datetime | None = None
) -> dict[str, int]:
    now = now or datetime.now(UTC)
    if keep_hourly_days < keep_raw_days:
        raise ValueError("hourly readings must be kept at least as long as raw ones")
    raw_cut, hourly_cut = now - timedelta(days=keep_raw_days), now - timedelta(days=keep_hourly_days)
    pruned = session.execute(delete(Reading).where(Reading.measured_at < hourly_cut)).rowcount
    keep = (
        select(Reading.bin_id, func.min(Reading.measured_at))
        .where(Reading.measured_at < raw_cut)
        .group_by(Reading.bin_id, _hour_bucket(session))
    )
    thinned = session.execute(
        delete(Reading)
        .where(Reading.measured_at < raw_cut, tuple_(Reading.bin_id, Reading.measured_at).not_in(keep))
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    return {"pruned": pruned or 0, "thinned": thinned or 0}
