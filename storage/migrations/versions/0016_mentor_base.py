"""the school's mentor base: mentors and alumni candidates per organisation, their history,
and invitations from the base into a programme

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 16:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "base_mentors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("age", sa.Integer(), nullable=True),
        sa.Column("candidate", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=True),
        sa.Column("grade", sa.Integer(), nullable=True),
        sa.Column("experience", sa.Integer(), nullable=True),
        sa.Column("competencies", sa.JSON(), nullable=True),
        sa.Column("interests", sa.JSON(), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("slots", sa.JSON(), nullable=True),
        sa.Column("format", sa.String(length=16), nullable=True),
        sa.Column("trained", sa.Boolean(), nullable=False),
        sa.Column("trained_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("active_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_base_mentors_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_base_mentors_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_base_mentors")),
        sa.UniqueConstraint("organisation_id", "user_id", name=op.f("uq_base_mentors_organisation_id")),
    )
    op.create_index(op.f("ix_base_mentors_organisation_id"), "base_mentors", ["organisation_id"])
    op.create_index(op.f("ix_base_mentors_user_id"), "base_mentors", ["user_id"])
    op.create_index(op.f("ix_base_mentors_active_at"), "base_mentors", ["active_at"])
    op.create_table(
        "base_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("mentees", sa.Integer(), nullable=False),
        sa.Column("meetings", sa.Integer(), nullable=False),
        sa.Column("satisfaction", sa.Float(), nullable=True),
        sa.Column("outcomes", sa.JSON(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mentor_id"],
            ["base_mentors.id"],
            name=op.f("fk_base_history_mentor_id_base_mentors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_base_history")),
        sa.UniqueConstraint("mentor_id", "programme_id", name=op.f("uq_base_history_mentor_id")),
    )
    op.create_index(op.f("ix_base_history_mentor_id"), "base_history", ["mentor_id"])
    op.create_table(
        "base_invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("from_participant", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_base_invites_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_base_invites_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_base_invites")),
        sa.UniqueConstraint("programme_id", "user_id", name=op.f("uq_base_invites_programme_id")),
    )
    op.create_index(op.f("ix_base_invites_programme_id"), "base_invites", ["programme_id"])
    op.create_index(op.f("ix_base_invites_user_id"), "base_invites", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_base_invites_user_id"), table_name="base_invites")
    op.drop_index(op.f("ix_base_invites_programme_id"), table_name="base_invites")
    op.drop_table("base_invites")
    op.drop_index(op.f("ix_base_history_mentor_id"), table_name="base_history")
    op.drop_table("base_history")
    op.drop_index(op.f("ix_base_mentors_active_at"), table_name="base_mentors")
    op.drop_index(op.f("ix_base_mentors_user_id"), table_name="base_mentors")
    op.drop_index(op.f("ix_base_mentors_organisation_id"), table_name="base_mentors")
    op.drop_table("base_mentors")
