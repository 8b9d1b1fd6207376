"""Course credits: who wrote a course and which health professionals reviewed it.

Existing courses get empty credits; the next `courses import` fills them from course.yml
(their course.yml files change, so their content hash does too).

Revision ID: c0a7e5c1d13a
Revises: c41d7e0a9b52
Create Date: 2026-12-05 05:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = "c0a7e5c1d13a"
down_revision = "c41d7e0a9b52"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("credits", sa.JSON(), nullable=False, server_default="{}"))


def downgrade():
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.drop_column("credits")
