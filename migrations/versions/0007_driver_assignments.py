"""driver assignments: a vehicle's default driver, a dispatched route's driver

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("vehicles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("default_driver_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_vehicles_default_driver_id"), ["default_driver_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_vehicles_default_driver_id_users"), "users", ["default_driver_id"], ["id"]
        )

    with op.batch_alter_table("plan_routes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("driver_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_plan_routes_driver_id"), ["driver_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_plan_routes_driver_id_users"), "users", ["driver_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("plan_routes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_plan_routes_driver_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_plan_routes_driver_id"))
        batch_op.drop_column("driver_id")

    with op.batch_alter_table("vehicles", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_vehicles_default_driver_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_vehicles_default_driver_id"))
        batch_op.drop_column("default_driver_id")
