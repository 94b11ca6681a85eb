"""trust: single-use expiring curator invites, archived programmes anonymised,
the curators' chat's member count

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 10:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("used_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("used_by", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("anonymised_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("chat_members", sa.Integer(), nullable=True))
    # curators' links made before they expired worked forever: none of them may work now
    op.execute("UPDATE invites SET revoked = TRUE WHERE role = 'curator'")


def downgrade() -> None:
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.drop_column("chat_members")
        batch_op.drop_column("anonymised_at")
    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.drop_column("used_by")
        batch_op.drop_column("used_at")
        batch_op.drop_column("expires_at")
