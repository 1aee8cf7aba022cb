"""Kiosk devices report the answers the server refused for good; audit rows name a device actor
and carry the fields that changed.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("kiosk_devices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rejected_count", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("rejected_reason", sa.String(length=255), nullable=True))
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("device_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("changes", sa.JSON(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_log_device_id_kiosk_devices"), "kiosk_devices", ["device_id"], ["id"], ondelete="SET NULL"
        )


def downgrade():
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_audit_log_device_id_kiosk_devices"), type_="foreignkey")
        batch_op.drop_column("changes")
        batch_op.drop_column("device_id")
    with op.batch_alter_table("kiosk_devices", schema=None) as batch_op:
        batch_op.drop_column("rejected_reason")
        batch_op.drop_column("rejected_count")
