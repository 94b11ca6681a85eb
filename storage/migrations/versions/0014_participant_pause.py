"""a participant's pause: no reminders, check-ins or nudges for their pairs before a date

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 15:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paused_until", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_participants_paused_until"), ["paused_until"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participants_paused_until"))
        batch_op.drop_column("paused_until")
