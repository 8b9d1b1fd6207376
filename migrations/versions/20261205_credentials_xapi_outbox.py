"""The outbox of learning-record statements (xAPI) waiting to be sent to the LRS.

Revision ID: 5d2f8e61a9b3
Revises: c4e1b7a20d16
Create Date: 2026-12-05 05:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "5d2f8e61a9b3"
down_revision = "c4e1b7a20d16"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "xapi_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.String(length=36), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xapi_outbox")),
        sa.UniqueConstraint("statement_id", name=op.f("uq_xapi_outbox_statement_id")),
    )
    op.create_index("ix_xapi_outbox_due", "xapi_outbox", ["sent_at", "next_attempt_at"])


def downgrade():
    op.drop_index("ix_xapi_outbox_due", table_name="xapi_outbox")
    op.drop_table("xapi_outbox")
