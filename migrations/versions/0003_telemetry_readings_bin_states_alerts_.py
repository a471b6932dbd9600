"""telemetry: readings, bin states, alerts, dead letters

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

import backend.core.models

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dead_letters",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("received_at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("topic", sa.String(length=255), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=True),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("payload_sha256", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dead_letters")),
        sa.UniqueConstraint("topic", "payload_sha256", name="uq_dead_letters_topic_payload"),
    )
    with op.batch_alter_table("dead_letters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dead_letters_received_at"), ["received_at"], unique=False)

    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bin_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.String(length=255), nullable=False),
        sa.Column("opened_at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", backend.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.Integer(), nullable=True),
        sa.Column("closed_at", backend.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('open', 'acknowledged', 'closed')", name=op.f("ck_alerts_state")),
        sa.ForeignKeyConstraint(["acknowledged_by"], ["users.id"], name=op.f("fk_alerts_acknowledged_by_users")),
        sa.ForeignKeyConstraint(["bin_id"], ["bins.id"], name=op.f("fk_alerts_bin_id_bins")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index("ix_alerts_bin_kind_state", ["bin_id", "kind", "state"], unique=False)
        batch_op.create_index(batch_op.f("ix_alerts_state"), ["state"], unique=False)

    op.create_table(
        "bin_states",
        sa.Column("bin_id", sa.Integer(), nullable=False),
        sa.Column("last_seen", backend.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_reading_at", backend.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("fill_pct", sa.Double(), nullable=True),
        sa.Column("battery_pct", sa.Double(), nullable=True),
        sa.Column("temp_c", sa.Double(), nullable=True),
        sa.Column("device_status", sa.String(length=16), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("last_emptied_at", backend.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["bin_id"], ["bins.id"], name=op.f("fk_bin_states_bin_id_bins"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("bin_id", name=op.f("pk_bin_states")),
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
    )
    with op.batch_alter_table("bins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mqtt_password_hash", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bins", schema=None) as batch_op:
        batch_op.drop_column("mqtt_password_hash")

    op.drop_table("readings")
    op.drop_table("bin_states")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alerts_state"))
        batch_op.drop_index("ix_alerts_bin_kind_state")

    op.drop_table("alerts")
    with op.batch_alter_table("dead_letters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dead_letters_received_at"))

    op.drop_table("dead_letters")
