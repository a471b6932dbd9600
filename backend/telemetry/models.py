"""Smart-bin telemetry: readings, the current state of each bin, alerts, dead letters.

The readings table is the big one: its primary key (bin_id, measured_at) both makes a
redelivered reading a no-op and serves "this bin's last 30 days" as one index range scan.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.models import Base, utcnow

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit key.
BigId = BigInteger().with_variant(Integer(), "sqlite")

ALERT_KINDS = ("fire", "tilt", "lid_open", "moved", "vandalized", "low_battery", "sensor_fault", "offline")
ALERT_STATES = ("open", "acknowledged", "closed")
# FIWARE WasteContainer `status` values, kept with their meaning.
BIN_DEVICE_STATUSES = ("ok", "lidOpen", "dropped", "moved", "vandalized", "burning")


class Reading(Base):
    """Keyed by (bin, measured at): a redelivered reading is a no-op, "this bin's last 30
    days" is one range scan of the key, and there is no second index to maintain."""

    __tablename__ = "readings"
    # On PostgreSQL, one partition per month (migration 0009, services/partitions.py).
    __table_args__ = {"postgresql_partition_by": "RANGE (measured_at)"}

    bin_id: Mapped[int] = mapped_column(ForeignKey("bins.id"), primary_key=True)
    measured_at: Mapped[datetime] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    fill_pct: Mapped[float | None]
    distance_mm: Mapped[int | None]
    battery_pct: Mapped[float | None]
    temp_c: Mapped[float | None]
    alarms: Mapped[str] = mapped_column(String(120), default="")  # comma-separated
    seq: Mapped[int | None] = mapped_column(BigInteger)


class DeadLetter(Base):
    """A message that could not become a reading, kept with its reason."""

    __tablename__ = "dead_letters"
    __table_args__ = (UniqueConstraint("topic", "payload_sha256", name="uq_dead_letters_topic_payload"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    topic: Mapped[str] = mapped_column(String(255))
    device_id: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    payload_sha256: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(255))


class BinState(Base):
    """The latest known state of a bin (one row per bin, upserted by the ingest worker)."""

    __tablename__ = "bin_states"

    bin_id: Mapped[int] = mapped_column(ForeignKey("bins.id", ondelete="CASCADE"), primary_key=True)
    last_seen: Mapped[datetime | None]
    last_reading_at: Mapped[datetime | None]
    fill_pct: Mapped[float | None]
    battery_pct: Mapped[float | None]
    temp_c: Mapped[float | None]
    device_status: Mapped[str] = mapped_column(String(16), default="ok")
    online: Mapped[bool] = mapped_column(default=False)
    last_emptied_at: Mapped[datetime | None]


class Alert(Base):
    __tablename__ = "alerts"
    __table_args__ = (
        CheckConstraint("state IN ('open', 'acknowledged', 'closed')", name="state"),
        Index("ix_alerts_bin_kind_state", "bin_id", "kind", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bin_id: Mapped[int] = mapped_column(ForeignKey("bins.id"))
    kind: Mapped[str] = mapped_column(String(24))
    state: Mapped[str] = mapped_column(String(16), default="open", index=True)
    detail: Mapped[str] = mapped_column(String(255), default="")
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]
