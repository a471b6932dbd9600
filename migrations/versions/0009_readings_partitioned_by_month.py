"""readings partitioned by month on PostgreSQL

The readings table becomes a range-partitioned parent on measured_at (its primary key,
(bin_id, measured_at), already holds the partition key; no table references readings).
The months from the oldest reading (at most three years back) to three months ahead get a
partition each in the schema ``readings_by_month``, beside a default partition for anything
else; the existing readings are copied over. From then on the scheduler's
``telemetry.create_reading_partitions`` job makes the months ahead. SQLite keeps its one table.

Self-contained on purpose (no import of the app's partition code): a migration must do
tomorrow what it does today.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import backend.core.models

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

SCHEMA = "readings_by_month"
COLUMNS = "bin_id, measured_at, received_at, fill_pct, distance_mm, battery_pct, temp_c, alarms, seq"
MONTHS_BACK_AT_MOST = 36
MONTHS_AHEAD = 3


def _month_index(moment: datetime) -> int:
    return moment.year * 12 + moment.month - 1


def _month_start(index: int) -> datetime:
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE readings RENAME TO readings_unpartitioned")
    op.execute("ALTER TABLE readings_unpartitioned RENAME CONSTRAINT pk_readings TO pk_readings_unpartitioned")
    op.execute(
        "ALTER TABLE readings_unpartitioned RENAME CONSTRAINT fk_readings_bin_id_bins "
        "TO fk_readings_unpartitioned_bin_id_bins"
    )
    op.create_table(
        "readings",
        sa.Column("bin_id", sa.Integer(), nullable=False),
        sa.Column("measured_at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("fill_pct", sa.Double(), nullable=True),
        sa.Column("distance_mm", sa.Integer(), nullable=True),
        sa.Column("battery_pct", sa.Double(), nullable=True),
        sa.Column("temp_c", sa.Double(), nullable=True),
        sa.Column("alarms", sa.String(length=120), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["bin_id"], ["bins.id"], name=op.f("fk_readings_bin_id_bins")),
        sa.PrimaryKeyConstraint("bin_id", "measured_at", name=op.f("pk_readings")),
        postgresql_partition_by="RANGE (measured_at)",
    )
    op.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    op.execute(f"CREATE TABLE {SCHEMA}.readings_default PARTITION OF readings DEFAULT")
    now = _month_index(datetime.now(UTC))
    oldest = op.get_bind().execute(sa.text("SELECT min(measured_at) FROM readings_unpartitioned")).scalar()
    first = max(now - MONTHS_BACK_AT_MOST, min(now, _month_index(oldest))) if oldest else now
    for index in range(first, now + MONTHS_AHEAD + 1):
        start, end = _month_start(index), _month_start(index + 1)
        op.execute(
            f"CREATE TABLE {SCHEMA}.readings_{start.year:04d}_{start.month:02d} PARTITION OF readings "
            f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
        )
    op.execute(f"INSERT INTO readings ({COLUMNS}) SELECT {COLUMNS} FROM readings_unpartitioned")
    op.drop_table("readings_unpartitioned")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE TABLE readings_unpartitioned (LIKE readings INCLUDING DEFAULTS)")
    op.execute(f"INSERT INTO readings_unpartitioned ({COLUMNS}) SELECT {COLUMNS} FROM readings")
    op.drop_table("readings")  # and every partition with it
    op.execute(f"DROP SCHEMA {SCHEMA} CASCADE")
    op.execute("ALTER TABLE readings_unpartitioned RENAME TO readings")
    op.create_primary_key("pk_readings", "readings", ["bin_id", "measured_at"])
    op.create_foreign_key("fk_readings_bin_id_bins", "readings", "bins", ["bin_id"], ["id"])
