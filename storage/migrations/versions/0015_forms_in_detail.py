"""the target model's forms in detail: a programme's sub-models and directions, a mentee's
«нужна поддержка» flag (set by a curator), a parent's or employer's profession

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 17:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submodels", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("directions", sa.JSON(), nullable=True))
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("needs_support", sa.Boolean(), server_default="0", nullable=False))
    with op.batch_alter_table("mentor_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("profession", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mentor_profiles", schema=None) as batch_op:
        batch_op.drop_column("profession")
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_column("needs_support")
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.drop_column("directions")
        batch_op.drop_column("submodels")
