"""Retention: raw readings for a while, then one per bin and hour, then nothing.

On PostgreSQL, where readings are partitioned by month (``partitions``), "nothing" is a
dropped month: a month goes once all of it is past the hourly window (so readings are kept
up to a month longer than READINGS_KEEP_HOURLY_DAYS), and no row of it is deleted one by
one. Only the default partition (readings of months that have no partition) loses rows.
SQLite deletes the rows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, text, tuple_
from sqlalchemy.orm import Session

from backend.telemetry.models import Reading
from backend.telemetry.services import partitions


def _hour_bucket(session: Session):
    if session.get_bind().dialect.name == "postgresql":
        return func.date_trunc("hour", Reading.measured_at)
    return func.strftime("%Y-%m-%d %H", Reading.measured_at)


def _prune(session: Session, cut: datetime) -> tuple[int, list[str]]:
    """Readings older than ``cut`` removed: (rows deleted, partitions dropped)."""
    if partitions.is_partitioned(session):
        dropped = partitions.drop_partitions_before(session, cut)
        rows = session.execute(
            text(f"DELETE FROM {partitions.SCHEMA}.{partitions.DEFAULT} WHERE measured_at < :cut"), {"cut": cut}
        ).rowcount
        return rows or 0, dropped
    return session.execute(delete(Reading).where(Reading.measured_at < cut)).rowcount or 0, []


def apply_retention(
    session: Session, keep_raw_days: int, keep_hourly_days: int, now: datetime | None = None
) -> dict[str, object]:
    now = now or datetime.now(UTC)
    if keep_hourly_days < keep_raw_days:
        raise ValueError("hourly readings must be kept at least as long as raw ones")
    raw_cut, hourly_cut = now - timedelta(days=keep_raw_days), now - timedelta(days=keep_hourly_days)
    pruned, dropped = _prune(session, hourly_cut)
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
    return {"pruned": pruned, "dropped_partitions": dropped, "thinned": thinned or 0}
