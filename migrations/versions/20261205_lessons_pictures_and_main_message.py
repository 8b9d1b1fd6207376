"""Pictures in lessons and each lesson's main message.

`media_files` holds the picture files made at import (each width of a raster picture, each
cleaned SVG), named by the hash of their bytes so browsers may cache them for a year.
`lessons.main_message` is the "In this lesson you will ..." sentence shown first.

Revision ID: 5c1e7a93d2b4
Revises: a097c52f2ed0
Create Date: 2026-12-05 05:20:00

"""

from alembic import op
import sqlalchemy as sa



revision = "5c1e7a93d2b4"
down_revision = "a097c52f2ed0"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "media_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_files")),
        sa.UniqueConstraint("name", name=op.f("uq_media_files_name")),
    )
    # A plain ADD/DROP COLUMN (SQLite 3.35+ has both): batch mode would copy the lessons
    # table, which rows of other tables point to.
    op.add_column(
        "lessons", sa.Column("main_message", sa.Text(), nullable=False, server_default="")
    )


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE lessons DROP COLUMN main_message")
    else:
        op.drop_column("lessons", "main_message")
    op.drop_table("media_files")
