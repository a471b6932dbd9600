"""markets: buyers (and the buyer role), licences, listings, sealed bids, settlement ledger

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

import backend.core.models

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

OLD_ROLES = "role IN ('resident', 'driver', 'dispatcher', 'operator', 'admin', 'agent')"
NEW_ROLES = "role IN ('resident', 'driver', 'dispatcher', 'operator', 'admin', 'agent', 'buyer')"
Moment = backend.core.models.UTCDateTime(timezone=True)
Money = sa.Numeric(precision=12, scale=2)


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", Moment, server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", Moment, server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    ]


def _roles(old: str, new: str) -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_users_role"), new)


def upgrade() -> None:
    _roles(OLD_ROLES, NEW_ROLES)
    op.create_table(
        "buyers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("company_name", sa.String(length=120), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("contact_name", sa.String(length=120), nullable=False),
        sa.Column("contact_phone", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", Moment, nullable=True),
        sa.Column("decision_note", sa.String(length=255), nullable=False),
        *_timestamps(),
        sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name=op.f("ck_buyers_status")),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"], name=op.f("fk_buyers_decided_by_users")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_buyers_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buyers")),
        sa.UniqueConstraint("credit_code", name=op.f("uq_buyers_credit_code")),
        sa.UniqueConstraint("user_id", name=op.f("uq_buyers_user_id")),
    )
    op.create_table(
        "buyer_licences",
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["buyers.id"], name=op.f("fk_buyer_licences_buyer_id_buyers"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["category_id"], ["material_categories.id"], name=op.f("fk_buyer_licences_category_id_material_categories")
        ),
        sa.PrimaryKeyConstraint("buyer_id", "category_id", name=op.f("pk_buyer_licences")),
    )
    op.create_table(
        "listings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("market_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("center_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(length=1), nullable=False),
        sa.Column("weight_kg", sa.Double(), nullable=False),
        sa.Column("contamination_pct", sa.Double(), nullable=False),
        sa.Column("reserve_per_kg", Money, nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("fixed_price_per_kg", Money, nullable=True),
        sa.Column("closes_at", Moment, nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=True),
        sa.Column("price_per_kg", Money, nullable=True),
        sa.Column("awarded_at", Moment, nullable=True),
        sa.Column("delivered_kg", sa.Double(), nullable=True),
        sa.Column("delivered_at", Moment, nullable=True),
        sa.Column("delivered_by", sa.Integer(), nullable=True),
        *_timestamps(),
        sa.CheckConstraint("weight_kg > 0", name=op.f("ck_listings_weight_positive")),
        sa.CheckConstraint("reserve_per_kg >= 0", name=op.f("ck_listings_reserve_nonnegative")),
        sa.CheckConstraint(
            "contamination_pct >= 0 AND contamination_pct <= 100", name=op.f("ck_listings_contamination")
        ),
        sa.CheckConstraint("grade IN ('A', 'B', 'C')", name=op.f("ck_listings_grade")),
        sa.CheckConstraint("mode IN ('auction', 'fixed')", name=op.f("ck_listings_mode")),
        sa.CheckConstraint(
            "status IN ('open', 'awarded', 'unsold', 'settled', 'cancelled')", name=op.f("ck_listings_status")
        ),
        sa.CheckConstraint("mode != 'fixed' OR fixed_price_per_kg IS NOT NULL", name=op.f("ck_listings_fixed_price")),
        sa.CheckConstraint(
            "status NOT IN ('awarded', 'settled') OR buyer_id IS NOT NULL", name=op.f("ck_listings_awarded_buyer")
        ),
        sa.ForeignKeyConstraint(["buyer_id"], ["buyers.id"], name=op.f("fk_listings_buyer_id_buyers")),
        sa.ForeignKeyConstraint(
            ["category_id"], ["material_categories.id"], name=op.f("fk_listings_category_id_material_categories")
        ),
        sa.ForeignKeyConstraint(["center_id"], ["sites.id"], name=op.f("fk_listings_center_id_sites")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_listings_created_by_users")),
        sa.ForeignKeyConstraint(["delivered_by"], ["users.id"], name=op.f("fk_listings_delivered_by_users")),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_listings_lot_id_lots")),
        sa.ForeignKeyConstraint(["market_id"], ["sites.id"], name=op.f("fk_listings_market_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listings")),
    )
    with op.batch_alter_table("listings", schema=None) as batch_op:
        for column in ("buyer_id", "center_id", "lot_id", "market_id", "status"):
            batch_op.create_index(batch_op.f(f"ix_listings_{column}"), [column], unique=False)
    op.create_table(
        "bids",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("price_per_kg", Money, nullable=False),
        sa.Column("placed_at", Moment, nullable=False),
        sa.CheckConstraint("price_per_kg > 0", name=op.f("ck_bids_price_positive")),
        sa.ForeignKeyConstraint(["buyer_id"], ["buyers.id"], name=op.f("fk_bids_buyer_id_buyers")),
        sa.ForeignKeyConstraint(
            ["listing_id"], ["listings.id"], name=op.f("fk_bids_listing_id_listings"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bids")),
        sa.UniqueConstraint("listing_id", "buyer_id", name="uq_bids_listing_buyer"),
    )
    with op.batch_alter_table("bids", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bids_buyer_id"), ["buyer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bids_listing_id"), ["listing_id"], unique=False)
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("account", sa.String(length=8), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("amount", Money, nullable=False),
        sa.Column("description", sa.String(length=255), nullable=False),
        sa.Column("created_at", Moment, nullable=False),
        sa.CheckConstraint("account IN ('buyer', 'market', 'center', 'bank')", name=op.f("ck_ledger_entries_account")),
        sa.CheckConstraint("kind IN ('sale', 'payment')", name=op.f("ck_ledger_entries_kind")),
        sa.ForeignKeyConstraint(["buyer_id"], ["buyers.id"], name=op.f("fk_ledger_entries_buyer_id_buyers")),
        sa.ForeignKeyConstraint(["listing_id"], ["listings.id"], name=op.f("fk_ledger_entries_listing_id_listings")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_ledger_entries_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
        sa.UniqueConstraint("listing_id", "kind", "account", name="uq_ledger_posting"),
    )
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        for column in ("buyer_id", "listing_id", "site_id"):
            batch_op.create_index(batch_op.f(f"ix_ledger_entries_{column}"), [column], unique=False)


def downgrade() -> None:
    op.drop_table("ledger_entries")
    op.drop_table("bids")
    op.drop_table("listings")
    op.drop_table("buyer_licences")
    op.drop_table("buyers")
    # Buyers' accounts stay (the audit trail names them), as inactive residents.
    op.execute("UPDATE users SET role = 'resident', active = false WHERE role = 'buyer'")
    _roles(NEW_ROLES, OLD_ROLES)
