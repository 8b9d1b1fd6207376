"""Librarians' tools: replaced certificate codes (a corrected certificate gets a new code and
the old one verifies as replaced), help flags marked handled, and notes on a class.

Revision ID: 5c1a8e7d2b40
Revises: 5ec0a1d14a01
Create Date: 2026-12-05 05:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "5c1a8e7d2b40"
down_revision = "5ec0a1d14a01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "replaced_certificate_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("recipient_name", sa.String(length=120), nullable=False),
        sa.Column("replaced_at", sa.DateTime(), nullable=False),
        sa.Column("replaced_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificates.id"],
            name=op.f("fk_replaced_certificate_codes_certificate_id_certificates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["replaced_by_id"],
            ["users.id"],
            name=op.f("fk_replaced_certificate_codes_replaced_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replaced_certificate_codes")),
        sa.UniqueConstraint("code", name=op.f("uq_replaced_certificate_codes_code")),
    )
    op.create_index(
        op.f("ix_replaced_certificate_codes_certificate_id"),
        "replaced_certificate_codes",
        ["certificate_id"],
    )
    op.create_table(
        "help_flag_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("handled_at", sa.DateTime(), nullable=False),
        sa.Column("handled_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["classes.id"],
            name=op.f("fk_help_flag_marks_class_id_classes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_help_flag_marks_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["handled_by_id"], ["users.id"], name=op.f("fk_help_flag_marks_handled_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_flag_marks")),
        sa.UniqueConstraint(
            "class_id", "user_id", name=op.f("uq_help_flag_marks_class_id_user_id")
        ),
    )
    # A plain ADD COLUMN: a batch copy of `classes` on SQLite would drop a table others
    # reference with foreign keys on.
    op.add_column("classes", sa.Column("notes", sa.String(length=1000), nullable=True))


def downgrade():
    op.drop_column("classes", "notes")
    op.drop_table("help_flag_marks")
    op.drop_index(
        op.f("ix_replaced_certificate_codes_certificate_id"),
        table_name="replaced_certificate_codes",
    )
    op.drop_table("replaced_certificate_codes")
