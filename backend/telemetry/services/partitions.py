"""Readings partitioned by month on PostgreSQL (declarative range partitioning on measured_at).

Layout (made by migration 0009): ``readings`` is the partitioned parent; each month is a table
``readings_by_month.readings_YYYY_MM`` (UTC months), and ``readings_by_month.readings_default``
takes whatever has no month yet (a device whose clock is years off, a month not created ahead).
The partitions live in their own schema so that the default schema holds only what the models
declare (Alembic's comparison and ``inspect`` see ``readings``, not a table per month).

Why: retention of a month is then ``DROP TABLE`` (no dead rows, no vacuum of millions of
deletions), and "this bin's last 30 days" touches one or two months.

The scheduler's ``create_reading_partitions`` job makes the next months ahead of time. A month
created after readings for it already landed in the default partition takes them over: they
are moved in the same transaction before the month is attached (PostgreSQL refuses to attach a
range the default partition still holds rows of).

On SQLite there is one plain table: every function here is a no-op there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

SCHEMA = "readings_by_month"
DEFAULT = "readings_default"
_MONTHLY = re.compile(r"^readings_(\d{4})_(\d{2})$")
# Any fixed number: serialises two runs of the job (a scheduler's job and a manual one).
_LOCK_KEY = 0x7265_6164  # "read"


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, moment: datetime | date) -> Month:
        return cls(moment.year, moment.month)

    def plus(self, months: int) -> Month:
        index = self.year * 12 + (self.month - 1) + months
        return Month(index // 12, index % 12 + 1)

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        return self.plus(1).start

    @property
    def table(self) -> str:
        return f"readings_{self.year:04d}_{self.month:02d}"


def is_partitioned(session: Session) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return False
    kind = session.execute(text("SELECT relkind FROM pg_class WHERE oid = to_regclass('readings')")).scalar()
    return kind == "p"


def monthly_partitions(session: Session) -> list[Month]:
    """The months that have their own partition, oldest first."""
    if not is_partitioned(session):
        return []
    names = session.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE i.inhparent = 'readings'::regclass AND n.nspname = :schema"
        ),
        {"schema": SCHEMA},
    ).scalars()
    return sorted(Month(int(m[1]), int(m[2])) for m in map(_MONTHLY.match, names) if m)


def partition_of(session: Session, bin_id: int, measured_at: datetime) -> str | None:
    """The partition table a reading is stored in (schema.table), or None (SQLite, or no such reading)."""
    if not is_partitioned(session):
        return None
    return session.execute(
        text("SELECT tableoid::regclass::text FROM readings WHERE bin_id = :b AND measured_at = :t"),
        {"b": bin_id, "t": measured_at},
    ).scalar()


def _create_month(session: Session, month: Month) -> int:
    """Create one month's partition, taking over its readings from the default one; the number moved."""
    qualified = f"{SCHEMA}.{month.table}"
    bounds = {"lo": month.start, "hi": month.end}
    session.execute(text(f"CREATE TABLE {qualified} (LIKE readings INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"))
    moved = session.execute(
        text(
            f"WITH moved AS (DELETE FROM {SCHEMA}.{DEFAULT} WHERE measured_at >= :lo AND measured_at < :hi "
            f"RETURNING *) INSERT INTO {qualified} SELECT * FROM moved"
        ),
        bounds,
    ).rowcount
    # Bounds as literals: ATTACH takes no parameters. They are our own UTC instants.
    session.execute(
        text(
            f"ALTER TABLE readings ATTACH PARTITION {qualified} "
            f"FOR VALUES FROM ('{month.start.isoformat()}') TO ('{month.end.isoformat()}')"
        )
    )
    return moved or 0


def ensure_partitions(session: Session, months_ahead: int, now: datetime | None = None) -> dict:
    """This month's partition and the next ``months_ahead``: created when missing, so a second
    run (or a second scheduler) creates nothing. Returns the months created and readings moved
    out of the default partition into them."""
    if not is_partitioned(session):
        return {"created": [], "moved": 0}
    now = now or datetime.now(UTC)
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    existing = set(monthly_partitions(session))
    current = Month.of(now.astimezone(UTC))
    created, moved = [], 0
    for offset in range(months_ahead + 1):
        month = current.plus(offset)
        if month not in existing:
            moved += _create_month(session, month)
            created.append(month.table)
    session.commit()
    return {"created": created, "moved": moved}


def drop_partitions_before(session: Session, cut: datetime) -> list[str]:
    """Drop every month that ends at or before ``cut`` (its readings all older than the cut).
    The caller commits. Readings of older months in the default partition are left to it."""
    if not is_partitioned(session):
        return []
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    dropped = []
    for month in monthly_partitions(session):
        if month.end <= cut:
            session.execute(text(f"DROP TABLE {SCHEMA}.{month.table}"))
            dropped.append(month.table)
    return dropped
