"""plans solved as durable jobs: attempts (fencing), worker heartbeat, cancellation

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

import backend.core.models

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

OLD_STATUSES = "status IN ('queued', 'solving', 'done', 'failed', 'dispatched', 'superseded')"
NEW_STATUSES = "status IN ('queued', 'solving', 'done', 'failed', 'dispatched', 'superseded', 'cancelled')"


def upgrade() -> None:
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("heartbeat_at", backend.core.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("cancel_requested_at", backend.core.models.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.drop_constraint(batch_op.f("ck_plans_status"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_plans_status"), NEW_STATUSES)
    # The default only filled the existing rows; the model sets it on every new one.
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.alter_column("attempts", server_default=None)


def downgrade() -> None:
    # A cancelled plan has no older status to go back to: it reads as failed, with the reason.
    op.execute(
        "UPDATE plans SET status = 'failed', error = 'cancelled (before a downgrade)' WHERE status = 'cancelled'"
    )
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_plans_status"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_plans_status"), OLD_STATUSES)
        batch_op.drop_column("cancel_requested_at")
        batch_op.drop_column("heartbeat_at")
        batch_op.drop_column("attempts")
