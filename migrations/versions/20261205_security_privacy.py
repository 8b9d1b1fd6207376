"""Security and patron privacy, second part (issue 14): when a desk's temporary passphrase
expires (passphrases not yet replaced get 30 days from this revision), and a flag on patron
accounts unused for long, set by `flask privacy purge`.

Revision ID: 5ec0a1d14a02
Revises: 8b3c5d7e9f10
Create Date: 2026-12-05 06:00:00

"""

from datetime import UTC, datetime, timedelta

from alembic import op
import sqlalchemy as sa

revision = "5ec0a1d14a02"
down_revision = "8b3c5d7e9f10"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "users", sa.Column("temporary_password_expires_at", sa.DateTime(), nullable=True)
    )
    op.add_column("users", sa.Column("flagged_inactive_at", sa.DateTime(), nullable=True))
    grace = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=30)
    op.execute(
        sa.text(
            "UPDATE users SET temporary_password_expires_at = :grace "
            "WHERE must_change_password = :yes"
        ).bindparams(grace=grace, yes=True)
    )


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+): a batch copy of users would break the rows that
    # point at it.
    op.drop_column("users", "flagged_inactive_at")
    op.drop_column("users", "temporary_password_expires_at")
