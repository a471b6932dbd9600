"""intake, prices, wallets, stock, lots, custody, generation estimates

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

import backend.core.models

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "generation_estimates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district", sa.String(length=80), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("tonnes", sa.Double(), nullable=False),
        sa.CheckConstraint("tonnes > 0", name=op.f("ck_generation_estimates_tonnes_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_generation_estimates")),
        sa.UniqueConstraint("district", "year", name="uq_generation_district_year"),
    )
    op.create_table(
        "lots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("center_id", sa.Integer(), nullable=False),
        sa.Column("market_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("weight_kg", sa.Double(), nullable=False),
        sa.Column("price_per_kg", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("shipped_at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("shipped_by", sa.Integer(), nullable=False),
        sa.Column("received_kg", sa.Double(), nullable=True),
        sa.Column("received_at", backend.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("received_by", sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('shipped', 'received')", name=op.f("ck_lots_status")),
        sa.CheckConstraint("weight_kg > 0", name=op.f("ck_lots_weight_positive")),
        sa.ForeignKeyConstraint(
            ["category_id"], ["material_categories.id"], name=op.f("fk_lots_category_id_material_categories")
        ),
        sa.ForeignKeyConstraint(["center_id"], ["sites.id"], name=op.f("fk_lots_center_id_sites")),
        sa.ForeignKeyConstraint(["market_id"], ["sites.id"], name=op.f("fk_lots_market_id_sites")),
        sa.ForeignKeyConstraint(["received_by"], ["users.id"], name=op.f("fk_lots_received_by_users")),
        sa.ForeignKeyConstraint(["shipped_by"], ["users.id"], name=op.f("fk_lots_shipped_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lots")),
    )
    with op.batch_alter_table("lots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lots_center_id"), ["center_id"], unique=False)

    op.create_table(
        "prices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_prices_amount_nonnegative")),
        sa.ForeignKeyConstraint(
            ["category_id"], ["material_categories.id"], name=op.f("fk_prices_category_id_material_categories")
        ),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_prices_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prices")),
        sa.UniqueConstraint("category_id", "effective_from", name="uq_prices_category_from"),
    )
    op.create_table(
        "intakes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("center_id", sa.Integer(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("route_id", sa.Integer(), nullable=True),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=255), nullable=False),
        sa.Column("weighed_at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["center_id"], ["sites.id"], name=op.f("fk_intakes_center_id_sites")),
        sa.ForeignKeyConstraint(["corrects_id"], ["intakes.id"], name=op.f("fk_intakes_corrects_id_intakes")),
        sa.ForeignKeyConstraint(["operator_id"], ["users.id"], name=op.f("fk_intakes_operator_id_users")),
        sa.ForeignKeyConstraint(["route_id"], ["plan_routes.id"], name=op.f("fk_intakes_route_id_plan_routes")),
        sa.ForeignKeyConstraint(["vehicle_id"], ["vehicles.id"], name=op.f("fk_intakes_vehicle_id_vehicles")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intakes")),
        sa.UniqueConstraint("corrects_id", name=op.f("uq_intakes_corrects_id")),
    )
    with op.batch_alter_table("intakes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intakes_center_id"), ["center_id"], unique=False)

    op.create_table(
        "booking_weights",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intake_id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Double(), nullable=False),
        sa.Column("kg", sa.Double(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_booking_weights_quantity_positive")),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"], name=op.f("fk_booking_weights_booking_id_bookings")),
        sa.ForeignKeyConstraint(
            ["category_id"], ["material_categories.id"], name=op.f("fk_booking_weights_category_id_material_categories")
        ),
        sa.ForeignKeyConstraint(
            ["intake_id"], ["intakes.id"], name=op.f("fk_booking_weights_intake_id_intakes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_weights")),
    )
    with op.batch_alter_table("booking_weights", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_booking_weights_booking_id"), ["booking_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_booking_weights_intake_id"), ["intake_id"], unique=False)

    op.create_table(
        "custody_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("intake_id", sa.Integer(), nullable=True),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("kg", sa.Double(), nullable=False),
        sa.Column("from_party", sa.String(length=120), nullable=False),
        sa.Column("to_party", sa.String(length=120), nullable=False),
        sa.Column("at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"], name=op.f("fk_custody_events_booking_id_bookings")),
        sa.ForeignKeyConstraint(
            ["category_id"], ["material_categories.id"], name=op.f("fk_custody_events_category_id_material_categories")
        ),
        sa.ForeignKeyConstraint(["intake_id"], ["intakes.id"], name=op.f("fk_custody_events_intake_id_intakes")),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_custody_events_lot_id_lots")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_events")),
    )
    op.create_table(
        "intake_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intake_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("gross_kg", sa.Double(), nullable=False),
        sa.Column("tare_kg", sa.Double(), nullable=False),
        sa.Column("net_kg", sa.Double(), nullable=False),
        sa.Column("grade", sa.String(length=1), nullable=False),
        sa.Column("contamination_pct", sa.Double(), nullable=False),
        sa.CheckConstraint("grade IN ('A', 'B', 'C')", name=op.f("ck_intake_lines_grade")),
        sa.CheckConstraint(
            "contamination_pct >= 0 AND contamination_pct <= 100", name=op.f("ck_intake_lines_contamination")
        ),
        sa.CheckConstraint("net_kg = gross_kg - tare_kg", name=op.f("ck_intake_lines_net")),
        sa.CheckConstraint("tare_kg >= 0 AND tare_kg <= gross_kg", name=op.f("ck_intake_lines_tare_within_gross")),
        sa.ForeignKeyConstraint(
            ["category_id"], ["material_categories.id"], name=op.f("fk_intake_lines_category_id_material_categories")
        ),
        sa.ForeignKeyConstraint(
            ["intake_id"], ["intakes.id"], name=op.f("fk_intake_lines_intake_id_intakes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_lines")),
    )
    with op.batch_alter_table("intake_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intake_lines_intake_id"), ["intake_id"], unique=False)

    op.create_table(
        "stock_movements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("center_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("kg", sa.Double(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("intake_id", sa.Integer(), nullable=True),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"], ["material_categories.id"], name=op.f("fk_stock_movements_category_id_material_categories")
        ),
        sa.ForeignKeyConstraint(["center_id"], ["sites.id"], name=op.f("fk_stock_movements_center_id_sites")),
        sa.ForeignKeyConstraint(["intake_id"], ["intakes.id"], name=op.f("fk_stock_movements_intake_id_intakes")),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_stock_movements_lot_id_lots")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_movements")),
    )
    with op.batch_alter_table("stock_movements", schema=None) as batch_op:
        batch_op.create_index("ix_stock_center_category", ["center_id", "category_id"], unique=False)

    op.create_table(
        "wallet_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("intake_id", sa.Integer(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("description", sa.String(length=255), nullable=False),
        sa.Column("created_at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"], name=op.f("fk_wallet_entries_booking_id_bookings")),
        sa.ForeignKeyConstraint(
            ["category_id"], ["material_categories.id"], name=op.f("fk_wallet_entries_category_id_material_categories")
        ),
        sa.ForeignKeyConstraint(["intake_id"], ["intakes.id"], name=op.f("fk_wallet_entries_intake_id_intakes")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_wallet_entries_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wallet_entries")),
        sa.UniqueConstraint("booking_id", "intake_id", "category_id", name="uq_wallet_settlement"),
    )
    with op.batch_alter_table("wallet_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wallet_entries_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("wallet_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wallet_entries_user_id"))

    op.drop_table("wallet_entries")
    with op.batch_alter_table("stock_movements", schema=None) as batch_op:
        batch_op.drop_index("ix_stock_center_category")

    op.drop_table("stock_movements")
    with op.batch_alter_table("intake_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intake_lines_intake_id"))

    op.drop_table("intake_lines")
    op.drop_table("custody_events")
    with op.batch_alter_table("booking_weights", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_booking_weights_intake_id"))
        batch_op.drop_index(batch_op.f("ix_booking_weights_booking_id"))

    op.drop_table("booking_weights")
    with op.batch_alter_table("intakes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intakes_center_id"))

    op.drop_table("intakes")
    op.drop_table("prices")
    with op.batch_alter_table("lots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lots_center_id"))

    op.drop_table("lots")
    op.drop_table("generation_estimates")
