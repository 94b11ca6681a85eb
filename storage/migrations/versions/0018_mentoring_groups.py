"""mentoring groups: a mentor with several mentees, each member still a pair; group meetings

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 16:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mentoring_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_mentoring_groups_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"],
            ["participants.id"],
            name=op.f("fk_mentoring_groups_mentor_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentoring_groups")),
    )
    for column in ("programme_id", "mentor_id", "status"):
        op.create_index(op.f(f"ix_mentoring_groups_{column}"), "mentoring_groups", [column], unique=False)
    with op.batch_alter_table("pairs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_pairs_group_id"), ["group_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_pairs_group_id_mentoring_groups"),
            "mentoring_groups",
            ["group_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_meeting", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_meetings_group_meeting"), ["group_meeting"], unique=False)
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_size", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.drop_column("group_size")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetings_group_meeting"))
        batch_op.drop_column("group_meeting")
    with op.batch_alter_table("pairs", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_pairs_group_id_mentoring_groups"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_pairs_group_id"))
        batch_op.drop_column("group_id")
    for column in ("status", "mentor_id", "programme_id"):
        op.drop_index(op.f(f"ix_mentoring_groups_{column}"), table_name="mentoring_groups")
    op.drop_table("mentoring_groups")
