"""monitoring: questionnaire items per moment and form, interim pulses at set days,
the parent's contact and when the consent form was handed out

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 16:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# The bank's past-tense items, asked before only at every moment: never at entry now.
PULSE = ("comfort", "comfort_mentor", "personal", "group", "planned", "plan_done", "expect_clear",
         "engagement", "satisfied", "missing")  # fmt: skip
FINAL = ("effect", "expect_met", "liked", "continue", "become_mentor", "valuable", "change")


def upgrade() -> None:
    with op.batch_alter_table("survey_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("moments", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("form", sa.String(length=8), nullable=True))
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("point", sa.Integer(), nullable=True))
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pulse_days", sa.JSON(), nullable=True))
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_contact", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("consent_asked_at", sa.DateTime(), nullable=True))
    items = sa.table("survey_items", sa.column("code", sa.String), sa.column("moments", sa.String))
    op.execute(items.update().where(items.c.code.in_(PULSE)).values(moments="interim,final"))
    op.execute(items.update().where(items.c.code.in_(FINAL)).values(moments="final"))


def downgrade() -> None:
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_column("consent_asked_at")
        batch_op.drop_column("parent_contact")
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.drop_column("pulse_days")
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_column("point")
    with op.batch_alter_table("survey_items", schema=None) as batch_op:
        batch_op.drop_column("form")
        batch_op.drop_column("moments")
