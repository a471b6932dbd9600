"""initial schema: registry and accounts

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

import backend.core.models

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "material_categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_zh", sa.String(length=80), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("density_kg_m3", sa.Double(), nullable=False),
        sa.Column("piece_kg", sa.Double(), nullable=True),
        sa.Column("hazardous", sa.Boolean(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            backend.core.models.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            backend.core.models.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint("unit IN ('kg', 'piece')", name=op.f("ck_material_categories_unit")),
        sa.CheckConstraint("density_kg_m3 > 0", name=op.f("ck_material_categories_density_positive")),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["material_categories.id"], name=op.f("fk_material_categories_parent_id_material_categories")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_material_categories")),
        sa.UniqueConstraint("code", name=op.f("uq_material_categories_code")),
    )
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tier", sa.String(length=24), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column("district", sa.String(length=80), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column("opening_hours", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sorting_center_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            backend.core.models.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            backend.core.models.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "tier IN ('collection_point', 'sorting_center', 'distribution_market')", name=op.f("ck_sites_tier")
        ),
        sa.CheckConstraint("lat >= -90 AND lat <= 90", name=op.f("ck_sites_lat_range")),
        sa.CheckConstraint("lon >= -180 AND lon <= 180", name=op.f("ck_sites_lon_range")),
        sa.ForeignKeyConstraint(["sorting_center_id"], ["sites.id"], name=op.f("fk_sites_sorting_center_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
    )
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sites_district"), ["district"], unique=False)
        batch_op.create_index(batch_op.f("ix_sites_sorting_center_id"), ["sorting_center_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sites_tier"), ["tier"], unique=False)

    op.create_table(
        "bins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("capacity_l", sa.Double(), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("empty_distance_mm", sa.Integer(), nullable=False),
        sa.Column("full_distance_mm", sa.Integer(), nullable=False),
        sa.Column("fill_threshold_pct", sa.Double(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            backend.core.models.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            backend.core.models.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint("status IN ('in_service', 'maintenance', 'retired')", name=op.f("ck_bins_status")),
        sa.CheckConstraint("capacity_l > 0", name=op.f("ck_bins_capacity_positive")),
        sa.CheckConstraint("empty_distance_mm > full_distance_mm", name=op.f("ck_bins_calibration")),
        sa.CheckConstraint("fill_threshold_pct > 0 AND fill_threshold_pct <= 100", name=op.f("ck_bins_threshold")),
        sa.ForeignKeyConstraint(
            ["category_id"], ["material_categories.id"], name=op.f("fk_bins_category_id_material_categories")
        ),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_bins_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bins")),
        sa.UniqueConstraint("device_id", name=op.f("uq_bins_device_id")),
    )
    with op.batch_alter_table("bins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bins_category_id"), ["category_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bins_site_id"), ["site_id"], unique=False)

    op.create_table(
        "center_markets",
        sa.Column("center_id", sa.Integer(), nullable=False),
        sa.Column("market_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["center_id"], ["sites.id"], name=op.f("fk_center_markets_center_id_sites"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["market_id"], ["sites.id"], name=op.f("fk_center_markets_market_id_sites"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("center_id", "market_id", name=op.f("pk_center_markets")),
    )
    op.create_table(
        "site_categories",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"], ["material_categories.id"], name=op.f("fk_site_categories_category_id_material_categories")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_site_categories_site_id_sites"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("site_id", "category_id", name=op.f("pk_site_categories")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column("district", sa.String(length=80), nullable=False),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("lon", sa.Double(), nullable=True),
        sa.Column("sorting_center_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("token_generation", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            backend.core.models.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            backend.core.models.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "role != 'operator' OR sorting_center_id IS NOT NULL", name=op.f("ck_users_operator_center")
        ),
        sa.CheckConstraint(
            "role IN ('resident', 'driver', 'dispatcher', 'operator', 'admin')", name=op.f("ck_users_role")
        ),
        sa.CheckConstraint("lat IS NULL OR (lat >= -90 AND lat <= 90)", name=op.f("ck_users_lat_range")),
        sa.CheckConstraint("lon IS NULL OR (lon >= -180 AND lon <= 180)", name=op.f("ck_users_lon_range")),
        sa.ForeignKeyConstraint(["sorting_center_id"], ["sites.id"], name=op.f("fk_users_sorting_center_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_role"), ["role"], unique=False)

    op.create_table(
        "vehicles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plate", sa.String(length=20), nullable=False),
        sa.Column("home_center_id", sa.Integer(), nullable=False),
        sa.Column("capacity_kg", sa.Double(), nullable=False),
        sa.Column("capacity_m3", sa.Double(), nullable=False),
        sa.Column("tare_kg", sa.Double(), nullable=False),
        sa.Column("hazardous_licence", sa.Boolean(), nullable=False),
        sa.Column("shift_start", sa.Time(), nullable=False),
        sa.Column("shift_end", sa.Time(), nullable=False),
        sa.Column("cost_per_km", sa.Double(), nullable=False),
        sa.Column("fixed_cost", sa.Double(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            backend.core.models.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            backend.core.models.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint("capacity_kg > 0", name=op.f("ck_vehicles_capacity_kg_positive")),
        sa.CheckConstraint("capacity_m3 > 0", name=op.f("ck_vehicles_capacity_m3_positive")),
        sa.CheckConstraint("cost_per_km >= 0", name=op.f("ck_vehicles_cost_nonnegative")),
        sa.CheckConstraint("shift_end > shift_start", name=op.f("ck_vehicles_shift_order")),
        sa.ForeignKeyConstraint(["home_center_id"], ["sites.id"], name=op.f("fk_vehicles_home_center_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicles")),
        sa.UniqueConstraint("plate", name=op.f("uq_vehicles_plate")),
    )
    with op.batch_alter_table("vehicles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vehicles_home_center_id"), ["home_center_id"], unique=False)

    op.create_table(
        "vehicle_categories",
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["material_categories.id"],
            name=op.f("fk_vehicle_categories_category_id_material_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["vehicle_id"], ["vehicles.id"], name=op.f("fk_vehicle_categories_vehicle_id_vehicles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("vehicle_id", "category_id", name=op.f("pk_vehicle_categories")),
    )


def downgrade() -> None:
    op.drop_table("vehicle_categories")
    with op.batch_alter_table("vehicles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vehicles_home_center_id"))

    op.drop_table("vehicles")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_role"))

    op.drop_table("users")
    op.drop_table("site_categories")
    op.drop_table("center_markets")
    with op.batch_alter_table("bins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bins_site_id"))
        batch_op.drop_index(batch_op.f("ix_bins_category_id"))

    op.drop_table("bins")
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sites_tier"))
        batch_op.drop_index(batch_op.f("ix_sites_sorting_center_id"))
        batch_op.drop_index(batch_op.f("ix_sites_district"))

    op.drop_table("sites")
    op.drop_table("material_categories")
