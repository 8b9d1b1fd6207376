"""Security and patron privacy (issue 14): wrong-password counts on accounts, a table of
throttle hits shared by every worker, sessions that expire on the server (last seen, password
last typed, where from, on a public computer), class codes that may expire, and certificates that outlive an erased holder
(learner_id may be empty: the certificate then says it was withdrawn at the holder's request).

Revision ID: 5ec0a1d14a01
Revises: c0a7e5c1d13a
Create Date: 2026-12-05 05:30:00

"""

from alembic import op
import sqlalchemy as sa

revision = "5ec0a1d14a01"
down_revision = "c0a7e5c1d13a"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "users", sa.Column("failed_sign_ins", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("users", sa.Column("last_failed_sign_in_at", sa.DateTime(), nullable=True))
    op.create_table(
        "throttle_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_throttle_hits")),
    )
    op.create_index("ix_throttle_hits_key_at", "throttle_hits", ["key", "at"])
    with op.batch_alter_table("certificates") as batch:
        batch.alter_column("learner_id", existing_type=sa.Integer(), nullable=True)
    # Sessions already open count as seen and signed in now.
    for name, column in (
        ("last_seen_at", sa.Column("last_seen_at", sa.DateTime(), nullable=True)),
        ("authenticated_at", sa.Column("authenticated_at", sa.DateTime(), nullable=True)),
    ):
        op.add_column("user_sessions", column)
        op.execute(f"UPDATE user_sessions SET {name} = created_at")
    with op.batch_alter_table("user_sessions") as batch:
        batch.alter_column("last_seen_at", existing_type=sa.DateTime(), nullable=False)
        batch.alter_column("authenticated_at", existing_type=sa.DateTime(), nullable=False)
    op.add_column("classes", sa.Column("join_code_expires_at", sa.DateTime(), nullable=True))
    op.add_column("user_sessions", sa.Column("address", sa.String(length=45), nullable=True))
    op.add_column("user_sessions", sa.Column("user_agent", sa.String(length=200), nullable=True))
    op.add_column(
        "user_sessions",
        sa.Column("public_computer", sa.Boolean(), nullable=False, server_default="0"),
    )


def downgrade():
    op.drop_column("classes", "join_code_expires_at")
    for name in ("public_computer", "user_agent", "address", "authenticated_at", "last_seen_at"):
        op.drop_column("user_sessions", name)
    op.execute("DELETE FROM certificates WHERE learner_id IS NULL")
    with op.batch_alter_table("certificates") as batch:
        batch.alter_column("learner_id", existing_type=sa.Integer(), nullable=False)
    op.drop_index("ix_throttle_hits_key_at", table_name="throttle_hits")
    op.drop_table("throttle_hits")
    # Plain DROP COLUMN (SQLite 3.35+): a batch copy of users would break the rows that
    # point at it.
    op.drop_column("users", "last_failed_sign_in_at")
    op.drop_column("users", "failed_sign_ins")
