"""requests: the outcome and reasons of a rectification or erasure decision

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 01:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision_outcome', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('decision_reason', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_column('decision_reason')
        batch_op.drop_column('decision_outcome')
