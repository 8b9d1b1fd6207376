"""Resume codes: one per guest learner, kept as a keyed hash, deleted with the learner.

Revision ID: b6b909461038
Revises: 2499c6f60be0
Create Date: 2026-11-23 12:55:11.801158

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b6b909461038'
down_revision = '2499c6f60be0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('resume_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['learner_id'], ['learners.id'], name=op.f('fk_resume_codes_learner_id_learners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resume_codes')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_resume_codes_code_hash')),
    sa.UniqueConstraint('learner_id', name=op.f('uq_resume_codes_learner_id'))
    )


def downgrade():
    op.drop_table('resume_codes')
