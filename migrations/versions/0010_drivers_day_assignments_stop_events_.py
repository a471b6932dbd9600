"""drivers: day assignments, stop events, photos, positions

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

import backend.core.models

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vehicle_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("driver_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by", sa.Integer(), nullable=True),
        sa.Column("created_at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["assigned_by"], ["users.id"], name=op.f("fk_vehicle_assignments_assigned_by_users")),
        sa.ForeignKeyConstraint(["driver_id"], ["users.id"], name=op.f("fk_vehicle_assignments_driver_id_users")),
        sa.ForeignKeyConstraint(
            ["vehicle_id"], ["vehicles.id"], name=op.f("fk_vehicle_assignments_vehicle_id_vehicles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicle_assignments")),
        sa.UniqueConstraint("vehicle_id", "day", name="vehicle_day"),
    )
    with op.batch_alter_table("vehicle_assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vehicle_assignments_day"), ["day"], unique=False)
        batch_op.create_index(batch_op.f("ix_vehicle_assignments_driver_id"), ["driver_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_vehicle_assignments_vehicle_id"), ["vehicle_id"], unique=False)

    op.create_table(
        "vehicle_positions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("route_id", sa.Integer(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column("accuracy_m", sa.Double(), nullable=True),
        sa.Column("at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "lat >= -90 AND lat <= 90 AND lon >= -180 AND lon <= 180", name=op.f("ck_vehicle_positions_location")
        ),
        sa.ForeignKeyConstraint(
            ["route_id"], ["plan_routes.id"], name=op.f("fk_vehicle_positions_route_id_plan_routes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_vehicle_positions_user_id_users")),
        sa.ForeignKeyConstraint(["vehicle_id"], ["vehicles.id"], name=op.f("fk_vehicle_positions_vehicle_id_vehicles")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicle_positions")),
    )
    with op.batch_alter_table("vehicle_positions", schema=None) as batch_op:
        batch_op.create_index("ix_vehicle_positions_route_at", ["route_id", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_vehicle_positions_vehicle_id"), ["vehicle_id"], unique=False)

    op.create_table(
        "stop_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("route_id", sa.Integer(), nullable=False),
        sa.Column("stop_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=10), nullable=False),
        sa.Column("happened_at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("quantity_kg", sa.Double(), nullable=True),
        sa.Column("fill_pct", sa.Double(), nullable=True),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("applied", sa.Boolean(), nullable=False),
        sa.CheckConstraint("type IN ('arrived', 'collected', 'missed')", name=op.f("ck_stop_events_type")),
        sa.ForeignKeyConstraint(
            ["route_id"], ["plan_routes.id"], name=op.f("fk_stop_events_route_id_plan_routes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["stop_id"], ["route_stops.id"], name=op.f("fk_stop_events_stop_id_route_stops"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_stop_events_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stop_events")),
        sa.UniqueConstraint("event_id", name=op.f("uq_stop_events_event_id")),
    )
    with op.batch_alter_table("stop_events", schema=None) as batch_op:
        batch_op.create_index("ix_stop_events_route_happened", ["route_id", "happened_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_stop_events_stop_id"), ["stop_id"], unique=False)

    op.create_table(
        "stop_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("photo_id", sa.String(length=36), nullable=False),
        sa.Column("route_id", sa.Integer(), nullable=False),
        sa.Column("stop_id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("taken_at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"], name=op.f("fk_stop_photos_booking_id_bookings")),
        sa.ForeignKeyConstraint(
            ["route_id"], ["plan_routes.id"], name=op.f("fk_stop_photos_route_id_plan_routes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["stop_id"], ["route_stops.id"], name=op.f("fk_stop_photos_stop_id_route_stops"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_stop_photos_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stop_photos")),
        sa.UniqueConstraint("photo_id", name=op.f("uq_stop_photos_photo_id")),
    )
    with op.batch_alter_table("stop_photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stop_photos_booking_id"), ["booking_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_stop_photos_stop_id"), ["stop_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("stop_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stop_photos_stop_id"))
        batch_op.drop_index(batch_op.f("ix_stop_photos_booking_id"))

    op.drop_table("stop_photos")
    with op.batch_alter_table("stop_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stop_events_stop_id"))
        batch_op.drop_index("ix_stop_events_route_happened")

    op.drop_table("stop_events")
    with op.batch_alter_table("vehicle_positions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vehicle_positions_vehicle_id"))
        batch_op.drop_index("ix_vehicle_positions_route_at")

    op.drop_table("vehicle_positions")
    with op.batch_alter_table("vehicle_assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vehicle_assignments_vehicle_id"))
        batch_op.drop_index(batch_op.f("ix_vehicle_assignments_driver_id"))
        batch_op.drop_index(batch_op.f("ix_vehicle_assignments_day"))

    op.drop_table("vehicle_assignments")
