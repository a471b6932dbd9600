"""e-mail: residents' optional address, notifications' channel (sms or email)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=8), server_default="sms", nullable=False))
        batch_op.alter_column("recipient", existing_type=sa.String(length=16), type_=sa.String(length=254))
        batch_op.create_check_constraint(batch_op.f("ck_notifications_channel"), "channel IN ('sms', 'email')")


def downgrade() -> None:
    op.execute("DELETE FROM notifications WHERE channel = 'email'")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_notifications_channel"), type_="check")
        batch_op.alter_column("recipient", existing_type=sa.String(length=254), type_=sa.String(length=16))
        batch_op.drop_column("channel")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email")
