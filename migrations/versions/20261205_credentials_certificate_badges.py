"""Open Badges for certificates: each certificate's salt for its holder's hashed identity.

Certificates issued before this revision get a row with a fresh random salt, so every
certificate has its badge from the start.

Revision ID: c4e1b7a20d16
Revises: 5c1a8e7d2b40
Create Date: 2026-12-05 05:20:00

"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "c4e1b7a20d16"
down_revision = "5c1a8e7d2b40"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "certificate_badges",
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("salt", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificates.id"],
            name=op.f("fk_certificate_badges_certificate_id_certificates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("certificate_id", name=op.f("pk_certificate_badges")),
    )
    bind = op.get_bind()
    ids = bind.execute(sa.text("SELECT id FROM certificates")).scalars().all()
    if ids:
        bind.execute(
            sa.text(
                "INSERT INTO certificate_badges (certificate_id, salt, created_at)"
                " SELECT id, :salt, issued_at FROM certificates WHERE id = :id"
            ),
            [{"id": id_, "salt": secrets.token_hex(16)} for id_ in ids],
        )


def downgrade():
    op.drop_table("certificate_badges")
