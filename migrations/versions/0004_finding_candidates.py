"""findings: the people a mention could be (and whom the reviewer chose); room for every
source and reason

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 21:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('candidates', sa.JSON(), nullable=True))
        batch_op.alter_column('source', existing_type=sa.String(length=40), type_=sa.String(length=120))
        batch_op.alter_column('reason', existing_type=sa.String(length=300), type_=sa.Text())
    with op.batch_alter_table('finding_decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('who', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('finding_decisions', schema=None) as batch_op:
        batch_op.drop_column('who')
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.alter_column('reason', existing_type=sa.Text(), type_=sa.String(length=300))
        batch_op.alter_column('source', existing_type=sa.String(length=120), type_=sa.String(length=40))
        batch_op.drop_column('candidates')
