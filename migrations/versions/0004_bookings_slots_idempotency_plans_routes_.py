"""bookings, slots, idempotency, plans, routes, stops

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

import backend.core.models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "slot_usage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("center_id", sa.Integer(), nullable=False),
        sa.Column("window_start", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("window_end", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.CheckConstraint("booked >= 0 AND booked <= capacity", name=op.f("ck_slot_usage_within_capacity")),
        sa.ForeignKeyConstraint(["center_id"], ["sites.id"], name=op.f("fk_slot_usage_center_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slot_usage")),
        sa.UniqueConstraint("center_id", "window_start", name="uq_slot_usage_center_window"),
    )
    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("center_id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("window_start", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("window_end", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_reason", sa.String(length=255), nullable=False),
        sa.Column("estimated_kg", sa.Double(), nullable=False),
        sa.Column("collected_kg", sa.Double(), nullable=True),
        sa.Column("created_at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('requested', 'scheduled', 'en_route', 'collected', 'received', 'settled', 'cancelled', 'missed')",
            name=op.f("ck_bookings_status"),
        ),
        sa.CheckConstraint(
            "lat >= -90 AND lat <= 90 AND lon >= -180 AND lon <= 180", name=op.f("ck_bookings_location")
        ),
        sa.ForeignKeyConstraint(["center_id"], ["sites.id"], name=op.f("fk_bookings_center_id_sites")),
        sa.ForeignKeyConstraint(["resident_id"], ["users.id"], name=op.f("fk_bookings_resident_id_users")),
        sa.ForeignKeyConstraint(["slot_id"], ["slot_usage.id"], name=op.f("fk_bookings_slot_id_slot_usage")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookings")),
    )
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bookings_center_id"), ["center_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bookings_resident_id"), ["resident_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bookings_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_bookings_window_start"), ["window_start"], unique=False)

    op.create_table(
        "idempotency_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("created_at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_idempotency_records_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_records")),
        sa.UniqueConstraint("user_id", "key", name="uq_idempotency_user_key"),
    )
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("center_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Double(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("overrides", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", backend.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", backend.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("dispatched_at", backend.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'solving', 'done', 'failed', 'dispatched', 'superseded')",
            name=op.f("ck_plans_status"),
        ),
        sa.ForeignKeyConstraint(["center_id"], ["sites.id"], name=op.f("fk_plans_center_id_sites")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_plans_created_by_users")),
        sa.ForeignKeyConstraint(["parent_id"], ["plans.id"], name=op.f("fk_plans_parent_id_plans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plans_center_id"), ["center_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plans_day"), ["day"], unique=False)

    op.create_table(
        "booking_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_booking_events_actor_id_users")),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["bookings.id"], name=op.f("fk_booking_events_booking_id_bookings"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_events")),
    )
    with op.batch_alter_table("booking_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_booking_events_booking_id"), ["booking_id"], unique=False)

    op.create_table(
        "booking_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Double(), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("estimated_kg", sa.Double(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_booking_items_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["bookings.id"], name=op.f("fk_booking_items_booking_id_bookings"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["category_id"], ["material_categories.id"], name=op.f("fk_booking_items_category_id_material_categories")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_items")),
    )
    with op.batch_alter_table("booking_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_booking_items_booking_id"), ["booking_id"], unique=False)

    op.create_table(
        "plan_routes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("distance_km", sa.Double(), nullable=False),
        sa.Column("empty_km", sa.Double(), nullable=False),
        sa.Column("collected_kg", sa.Double(), nullable=False),
        sa.Column("trips", sa.Integer(), nullable=False),
        sa.Column("start_at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("end_at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_plan_routes_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["vehicle_id"], ["vehicles.id"], name=op.f("fk_plan_routes_vehicle_id_vehicles")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_routes")),
    )
    with op.batch_alter_table("plan_routes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_routes_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "route_stops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("route_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("bin_id", sa.Integer(), nullable=True),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column("arrival_at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("start_at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("departure_at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("leg_km", sa.Double(), nullable=False),
        sa.Column("load_kg", sa.Double(), nullable=False),
        sa.Column("expected_kg", sa.Double(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("quantity_kg", sa.Double(), nullable=True),
        sa.Column("reason", sa.String(length=255), nullable=False),
        sa.Column("updated_at", backend.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('bin', 'booking', 'unload')", name=op.f("ck_route_stops_kind")),
        sa.CheckConstraint("status IN ('planned', 'arrived', 'done', 'missed')", name=op.f("ck_route_stops_status")),
        sa.ForeignKeyConstraint(["bin_id"], ["bins.id"], name=op.f("fk_route_stops_bin_id_bins")),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"], name=op.f("fk_route_stops_booking_id_bookings")),
        sa.ForeignKeyConstraint(
            ["route_id"], ["plan_routes.id"], name=op.f("fk_route_stops_route_id_plan_routes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_route_stops")),
    )
    with op.batch_alter_table("route_stops", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_route_stops_bin_id"), ["bin_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_route_stops_booking_id"), ["booking_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_route_stops_route_id"), ["route_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("route_stops", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_route_stops_route_id"))
        batch_op.drop_index(batch_op.f("ix_route_stops_booking_id"))
        batch_op.drop_index(batch_op.f("ix_route_stops_bin_id"))

    op.drop_table("route_stops")
    with op.batch_alter_table("plan_routes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_routes_plan_id"))

    op.drop_table("plan_routes")
    with op.batch_alter_table("booking_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_booking_items_booking_id"))

    op.drop_table("booking_items")
    with op.batch_alter_table("booking_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_booking_events_booking_id"))

    op.drop_table("booking_events")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_day"))
        batch_op.drop_index(batch_op.f("ix_plans_center_id"))

    op.drop_table("plans")
    op.drop_table("idempotency_records")
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bookings_window_start"))
        batch_op.drop_index(batch_op.f("ix_bookings_status"))
        batch_op.drop_index(batch_op.f("ix_bookings_resident_id"))
        batch_op.drop_index(batch_op.f("ix_bookings_center_id"))

    op.drop_table("bookings")
    op.drop_table("slot_usage")
