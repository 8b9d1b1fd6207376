"""LTI gradebook columns for a placed module: the completion goes back when that module is
finished, not only the whole course.

Revision ID: 8b3c5d7e9f10
Revises: e0f1bead628e
Create Date: 2026-12-05 05:55:00

"""

import sqlalchemy as sa
from alembic import op

revision = "8b3c5d7e9f10"
down_revision = "e0f1bead628e"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("lti_grade_targets") as batch:
        batch.add_column(sa.Column("module_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_lti_grade_targets_module_id_modules"), "modules", ["module_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("lti_grade_targets") as batch:
        batch.drop_constraint(op.f("fk_lti_grade_targets_module_id_modules"), type_="foreignkey")
        batch.drop_column("module_id")
