"""Guest learners keyed by their visit: a guest's first two writes sent at once (a double
click) create one learner, not two (learners.guest_key, unique; a hash of a random token
kept in the visit's cookie).

Revision ID: c41d7e0a9b52
Revises: 7d2f4b81e6a0
Create Date: 2026-12-05 05:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = "c41d7e0a9b52"
down_revision = "7d2f4b81e6a0"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("learners", schema=None) as batch_op:
        batch_op.add_column(sa.Column("guest_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_learners_guest_key"), ["guest_key"])


def downgrade():
    with op.batch_alter_table("learners", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_learners_guest_key"), type_="unique")
        batch_op.drop_column("guest_key")
