"""security: the user's session epoch (logout, password change, deactivation, 全部下线 end sessions)

Revision ID: 8a1f3c2d9e47
Revises: 50905da2e31e
Create Date: 2026-11-25 18:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '8a1f3c2d9e47'
down_revision = '50905da2e31e'
branch_labels = None
depends_on = None


def upgrade():
    # Existing users start at epoch 0, which is what their current sessions carry (none does
    # yet: sessions signed before this revision hold no epoch and are refused, see views/auth.py).
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), nullable=False,
                                      server_default='0'))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_epoch')
