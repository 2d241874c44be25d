"""renovation: every act is an Event (also acts on users, divisions, the calendar, settings),
with the actor's role at the time; enum-typed columns checked where they were not

Revision ID: 3198a1b0b903
Revises: 1a4fa8c60a52
Create Date: 2026-11-25 14:52:53.207015

"""
from alembic import op
import sqlalchemy as sa


revision = '3198a1b0b903'
down_revision = '1a4fa8c60a52'
branch_labels = None
depends_on = None

DISCLOSURES = ("proactive", "on_request", "redacted", "withheld")
BASES = ("art14_secret", "art14_prohibited", "art14_security", "art15_third_party",
         "art16_internal", "art16_process", "art16_enforcement", "art37_separable",
         "not_proactive_scope")
CHANNELS = ("portal", "new_media", "bulletin", "service_window", "archives")


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('actor_role', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('before', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('after', sa.Text(), nullable=False, server_default=''))
        batch_op.alter_column('document_id', existing_type=sa.INTEGER(), nullable=True)
        batch_op.alter_column('actor_id', existing_type=sa.INTEGER(), nullable=True)
        batch_op.alter_column('action', existing_type=sa.VARCHAR(length=30),
                              type_=sa.String(length=40), existing_nullable=False)
        batch_op.alter_column('to_state', existing_type=sa.VARCHAR(length=20), nullable=True)
    # Events written before this revision: the actor's role then is the role now (nothing
    # recorded otherwise); the defaults were only for the existing rows.
    op.execute('UPDATE event SET actor_role = (SELECT role FROM "user" WHERE "user".id = event.actor_id)')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.alter_column('before', server_default=None, existing_type=sa.Text(), existing_nullable=False)
        batch_op.alter_column('after', server_default=None, existing_type=sa.Text(), existing_nullable=False)

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_check_constraint('published_channel', _in('published_channel', CHANNELS))
    with op.batch_alter_table('document_version', schema=None) as batch_op:
        batch_op.create_check_constraint('disclosure', _in('disclosure', DISCLOSURES))
        batch_op.create_check_constraint('legal_basis', _in('legal_basis', BASES))


def downgrade():
    with op.batch_alter_table('document_version', schema=None) as batch_op:
        batch_op.drop_constraint('ck_document_version_legal_basis', type_='check')
        batch_op.drop_constraint('ck_document_version_disclosure', type_='check')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_constraint('ck_document_published_channel', type_='check')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.alter_column('to_state', existing_type=sa.VARCHAR(length=20), nullable=False)
        batch_op.alter_column('action', existing_type=sa.String(length=40),
                              type_=sa.VARCHAR(length=30), existing_nullable=False)
        batch_op.alter_column('actor_id', existing_type=sa.INTEGER(), nullable=False)
        batch_op.alter_column('document_id', existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column('after')
        batch_op.drop_column('before')
        batch_op.drop_column('actor_role')
        batch_op.drop_column('subject')
