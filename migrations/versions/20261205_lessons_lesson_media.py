"""Each lesson's recording and captioned video (`lessons.media`, JSON: their addresses and
the video's transcript). Existing lessons get none until their course is imported again.

Revision ID: 7d2f4b81e6a0
Revises: 5c1e7a93d2b4
Create Date: 2026-12-05 05:20:00

"""

from alembic import op
import sqlalchemy as sa


revision = "7d2f4b81e6a0"
down_revision = "5c1e7a93d2b4"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD/DROP COLUMN (SQLite 3.35+): batch mode would copy the lessons table, which
    # rows of other tables point to.
    op.add_column("lessons", sa.Column("media", sa.JSON(), nullable=False, server_default="{}"))


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE lessons DROP COLUMN media")
    else:
        op.drop_column("lessons", "media")
