"""e-mail: residents' optional address, notifications' channel (sms or email);
organisations' pickup sites and contacts, recurring pickups at a site

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

import backend.core.models

Moment = backend.core.models.UTCDateTime(timezone=True)

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
    op.create_table(
        "organisation_sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column("created_at", Moment, nullable=False),
        sa.CheckConstraint(
            "lat >= -90 AND lat <= 90 AND lon >= -180 AND lon <= 180", name=op.f("ck_organisation_sites_location")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"],
            name=op.f("fk_organisation_sites_organisation_id_organisations"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_sites")),
        sa.UniqueConstraint("organisation_id", "name", name="uq_organisation_sites_org_name"),
    )  # fmt: skip
    op.create_index(
        op.f("ix_organisation_sites_organisation_id"), "organisation_sites", ["organisation_id"], unique=False
    )
    op.create_table(
        "organisation_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=80), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("created_at", Moment, nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"],
            name=op.f("fk_organisation_contacts_organisation_id_organisations"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["organisation_sites.id"],
            name=op.f("fk_organisation_contacts_site_id_organisation_sites"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_contacts")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_organisation_contacts_organisation_id"), "organisation_contacts", ["organisation_id"], unique=False
    )
    with op.batch_alter_table("pickup_schedules", schema=None) as batch_op:
        batch_op.add_column(sa.Column("site_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_pickup_schedules_site_id"), ["site_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_pickup_schedules_site_id_organisation_sites"), "organisation_sites", ["site_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("pickup_schedules", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_pickup_schedules_site_id_organisation_sites"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_pickup_schedules_site_id"))
        batch_op.drop_column("site_id")
    op.drop_index(op.f("ix_organisation_contacts_organisation_id"), table_name="organisation_contacts")
    op.drop_table("organisation_contacts")
    op.drop_index(op.f("ix_organisation_sites_organisation_id"), table_name="organisation_sites")
    op.drop_table("organisation_sites")
    op.execute("DELETE FROM notifications WHERE channel = 'email'")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_notifications_channel"), type_="check")
        batch_op.alter_column("recipient", existing_type=sa.String(length=254), type_=sa.String(length=16))
        batch_op.drop_column("channel")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email")
