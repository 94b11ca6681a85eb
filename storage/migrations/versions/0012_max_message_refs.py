"""MAX: message ids (strings in MAX) behind the integer ids the handlers see

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 13:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "message_refs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mid", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_refs")),
        sa.UniqueConstraint("mid", name=op.f("uq_message_refs_mid")),
    )
    op.create_index(op.f("ix_message_refs_created_at"), "message_refs", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_message_refs_created_at"), table_name="message_refs")
    op.drop_table("message_refs")
