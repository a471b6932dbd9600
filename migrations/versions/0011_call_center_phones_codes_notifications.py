"""call center: phone numbers, one-time codes, notification outbox; organisations' scheduled pickups

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 22:31:27.058266
"""

import sqlalchemy as sa
from alembic import op

import backend.core.models

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

OLD_ROLES = "role IN ('resident', 'driver', 'dispatcher', 'operator', 'admin')"
NEW_ROLES = "role IN ('resident', 'driver', 'dispatcher', 'operator', 'admin', 'agent')"


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_users_role"), NEW_ROLES)
    op.create_table(
        "phone_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("e164", sa.String(length=16), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("used_at", backend.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phone_codes")),
    )
    with op.batch_alter_table("phone_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_phone_codes_e164"), ["e164"], unique=False)

    op.create_table(
        "notification_opt_outs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notification_opt_outs_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_opt_outs")),
        sa.UniqueConstraint("user_id", "kind", name="uq_notification_opt_outs_user_kind"),
    )
    op.create_table(
        "phone_numbers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("e164", sa.String(length=16), nullable=False),
        sa.Column("registered_by_id", sa.Integer(), nullable=True),
        sa.Column("verified_at", backend.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["registered_by_id"], ["users.id"], name=op.f("fk_phone_numbers_registered_by_id_users")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_phone_numbers_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phone_numbers")),
        sa.UniqueConstraint("e164", name=op.f("uq_phone_numbers_e164")),
        sa.UniqueConstraint("user_id", name=op.f("uq_phone_numbers_user_id")),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("dedupe_key", sa.String(length=120), nullable=False),
        sa.Column("recipient", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("not_before", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", backend.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_at", backend.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", backend.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=255), nullable=False),
        sa.Column("created_at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('one_time_code', 'reminder', 'on_its_way', 'collected')", name=op.f("ck_notifications_kind")
        ),
        sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name=op.f("ck_notifications_status")),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["bookings.id"], name=op.f("fk_notifications_booking_id_bookings"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("dedupe_key", name="uq_notifications_dedupe_key"),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notifications_booking_id"), ["booking_id"], unique=False)
        batch_op.create_index("ix_notifications_status_due", ["status", "not_before"], unique=False)
        batch_op.create_index(batch_op.f("ix_notifications_user_id"), ["user_id"], unique=False)
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column("created_at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('company', 'school', 'institution', 'other')", name=op.f("ck_organisations_kind")),
        sa.CheckConstraint(
            "lat >= -90 AND lat <= 90 AND lon >= -180 AND lon <= 180", name=op.f("ck_organisations_location")
        ),
        sa.ForeignKeyConstraint(["account_id"], ["users.id"], name=op.f("fk_organisations_account_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("account_id", name=op.f("uq_organisations_account_id")),
        sa.UniqueConstraint("credit_code", name=op.f("uq_organisations_credit_code")),
    )
    op.create_table(
        "pickup_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.Time(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("estimated_kg", sa.Double(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("estimated_kg > 0", name=op.f("ck_pickup_schedules_estimated_kg_positive")),
        sa.CheckConstraint("weekday >= 0 AND weekday <= 6", name=op.f("ck_pickup_schedules_weekday")),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["material_categories.id"],
            name=op.f("fk_pickup_schedules_category_id_material_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_pickup_schedules_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pickup_schedules")),
    )
    with op.batch_alter_table("pickup_schedules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pickup_schedules_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "scheduled_pickups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"], name=op.f("fk_scheduled_pickups_booking_id_bookings")),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["pickup_schedules.id"],
            name=op.f("fk_scheduled_pickups_schedule_id_pickup_schedules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduled_pickups")),
        sa.UniqueConstraint("schedule_id", "day", name="uq_scheduled_pickups_schedule_day"),
    )


def downgrade() -> None:
    op.drop_table("scheduled_pickups")
    with op.batch_alter_table("pickup_schedules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pickup_schedules_organisation_id"))

    op.drop_table("pickup_schedules")
    op.drop_table("organisations")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_user_id"))
        batch_op.drop_index("ix_notifications_status_due")
        batch_op.drop_index(batch_op.f("ix_notifications_booking_id"))

    op.drop_table("notifications")
    op.drop_table("phone_numbers")
    op.drop_table("notification_opt_outs")
    with op.batch_alter_table("phone_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_phone_codes_e164"))

    op.drop_table("phone_codes")
    # The older schema has no agents: their accounts stay (the trail names them), deactivated
    # and without a role above a resident's.
    op.execute("UPDATE users SET role = 'resident', active = false WHERE role = 'agent'")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_users_role"), OLD_ROLES)
