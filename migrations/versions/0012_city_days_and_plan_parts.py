"""the whole city's day as one request (city_days), large plans solved as parts (plan_parts)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

import backend.core.models

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "city_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", backend.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_city_days_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_city_days")),
    )
    with op.batch_alter_table("city_days", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_city_days_day"), ["day"], unique=False)

    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("city_day_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("parts_total", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("problem", sa.LargeBinary(), nullable=True))
        batch_op.create_index(batch_op.f("ix_plans_city_day_id"), ["city_day_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_plans_city_day_id_city_days"), "city_days", ["city_day_id"], ["id"])
    # The default only filled the existing rows; the model sets it on every new one.
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.alter_column("parts_total", server_default=None)

    op.create_table(
        "plan_parts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("stops", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("heartbeat_at", backend.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("progress", sa.Double(), nullable=False),
        sa.Column("work", sa.LargeBinary(), nullable=False),
        sa.Column("result", sa.LargeBinary(), nullable=True),
        sa.Column("solved_by", sa.String(length=64), nullable=False),
        sa.CheckConstraint("kind IN ('plan', 'baseline')", name=op.f("ck_plan_parts_kind")),
        sa.CheckConstraint("status IN ('queued', 'solving', 'done')", name=op.f("ck_plan_parts_status")),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_plan_parts_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_parts")),
        sa.UniqueConstraint("plan_id", "seq", name="uq_plan_parts_plan_seq"),
    )
    with op.batch_alter_table("plan_parts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_parts_plan_id"), ["plan_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("plan_parts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_parts_plan_id"))
    op.drop_table("plan_parts")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_plans_city_day_id_city_days"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_plans_city_day_id"))
        batch_op.drop_column("problem")
        batch_op.drop_column("parts_total")
        batch_op.drop_column("city_day_id")
    with op.batch_alter_table("city_days", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_city_days_day"))
    op.drop_table("city_days")
