"""Course content in more than one language, glossaries, review dates, Spanish reading ease.

Existing rows get empty translations and glossaries; the next `courses import` fills them
(the content hash includes the import format, so every course is re-read once).

Revision ID: 9dbbc8456f98
Revises: 3e05d00162ca
Create Date: 2026-11-23 12:16:13.558700

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9dbbc8456f98'
down_revision = '3e05d00162ca'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('languages', sa.String(length=40), nullable=False, server_default=""))
        batch_op.add_column(sa.Column('reading_ease', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('glossary', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('reviewed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('review_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=False, server_default='{}'))

    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('glossary', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=False, server_default='{}'))

    with op.batch_alter_table('modules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=False, server_default='{}'))

    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=False, server_default='{}'))

    with op.batch_alter_table('quizzes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=False, server_default='{}'))



def downgrade():
    with op.batch_alter_table('quizzes', schema=None) as batch_op:
        batch_op.drop_column('translations')

    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_column('translations')

    with op.batch_alter_table('modules', schema=None) as batch_op:
        batch_op.drop_column('translations')

    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.drop_column('translations')
        batch_op.drop_column('glossary')

    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_column('translations')
        batch_op.drop_column('review_due')
        batch_op.drop_column('reviewed_on')
        batch_op.drop_column('glossary')
        batch_op.drop_column('reading_ease')
        batch_op.drop_column('languages')

