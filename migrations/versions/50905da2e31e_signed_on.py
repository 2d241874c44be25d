"""成文日期 (signed_on): the day a document is formed, the clocks' start

Revision ID: 50905da2e31e
Revises: 3198a1b0b903
Create Date: 2026-11-25 16:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '50905da2e31e'
down_revision = '3198a1b0b903'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('signed_on_by_hand', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    # Documents signed before this revision: their catalogue entry's 公文生成日期 was the
    # sign-off date; use it where there is one.
    op.execute("UPDATE document SET signed_on = (SELECT formed_on FROM catalogue_entry "
               "WHERE catalogue_entry.document_id = document.id) WHERE approved_at IS NOT NULL")
    # the others (archived): the day of the approval (UTC; the local day was not recorded)
    day = "DATE(approved_at)" if op.get_bind().dialect.name == "sqlite" else "CAST(approved_at AS DATE)"
    op.execute(f"UPDATE document SET signed_on = {day} WHERE signed_on IS NULL AND approved_at IS NOT NULL")
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.alter_column('signed_on_by_hand', server_default=None,
                              existing_type=sa.Boolean(), existing_nullable=False)


def downgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_column('signed_on_by_hand')
        batch_op.drop_column('signed_on')
