"""公文 (GB/T 9704-2012): the elements of the paper on documents and versions, 转发 sources,
attachments (附件, imported Word files, body images) and the list each version froze

Revision ID: b7e2c41d9a10
Revises: 7c3e91d2a4b8
Create Date: 2026-11-25 17:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b7e2c41d9a10'
down_revision = '7c3e91d2a4b8'
branch_labels = None
depends_on = None

DISCLOSURES = ("proactive", "on_request", "redacted", "withheld")
DIRECTIONS = ("downward", "parallel", "upward")
KINDS = ("annex", "source", "image")
# The text columns a 公文 adds, on document and document_version alike.
TEXTS = (("issuer_mark", sa.String(length=100)), ("signer", sa.String(length=64)),
         ("main_recipients", sa.String(length=500)), ("attachment_note", sa.Text()),
         ("signature", sa.String(length=200)), ("note", sa.String(length=500)),
         ("cc", sa.String(length=500)), ("printed_by", sa.String(length=100)),
         ("source_issuer", sa.String(length=100)), ("source_number", sa.String(length=64)))


def _in(column, values, nullable=False):
    check = f"{column} IN ({', '.join(repr(v) for v in values)})"
    return f"{column} IS NULL OR {check}" if nullable else check


def _paper_columns(batch_op):
    for name, type_ in TEXTS:
        batch_op.add_column(sa.Column(name, type_, nullable=False, server_default=""))
    batch_op.add_column(sa.Column('printed_on', sa.Date(), nullable=True))
    batch_op.add_column(sa.Column('forwards', sa.Boolean(), nullable=False, server_default=sa.false()))
    batch_op.add_column(sa.Column('direction', sa.String(length=20), nullable=False,
                                  server_default="downward"))
    batch_op.add_column(sa.Column('source_disclosure', sa.String(length=20), nullable=True))


def _drop_server_defaults(batch_op):
    """The defaults were for the rows that existed; the application sets every value."""
    for name, type_ in TEXTS:
        batch_op.alter_column(name, server_default=None, existing_type=type_, existing_nullable=False)
    batch_op.alter_column('forwards', server_default=None, existing_type=sa.Boolean(),
                          existing_nullable=False)
    batch_op.alter_column('direction', server_default=None, existing_type=sa.String(length=20),
                          existing_nullable=False)


def upgrade():
    for table in ('document', 'document_version'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            _paper_columns(batch_op)
            if table == 'document_version':
                batch_op.add_column(sa.Column('signed_on', sa.Date(), nullable=True))
                batch_op.add_column(sa.Column('signed_on_by_hand', sa.Boolean(), nullable=False,
                                              server_default=sa.false()))
        with op.batch_alter_table(table, schema=None) as batch_op:
            _drop_server_defaults(batch_op)
            if table == 'document_version':
                batch_op.alter_column('signed_on_by_hand', server_default=None,
                                      existing_type=sa.Boolean(), existing_nullable=False)
            batch_op.create_check_constraint('direction', _in('direction', DIRECTIONS))
            batch_op.create_check_constraint('source_disclosure',
                                             _in('source_disclosure', DISCLOSURES, nullable=True))

    op.create_table(
        'attachment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('text', sa.Text(), nullable=True),
        sa.Column('publish', sa.Boolean(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('removed_at', sa.DateTime(), nullable=True),
        sa.Column('removed_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint(_in('kind', KINDS), name=op.f('ck_attachment_attachment_kind')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'],
                                name=op.f('fk_attachment_created_by_id_user')),
        sa.ForeignKeyConstraint(['document_id'], ['document.id'],
                                name=op.f('fk_attachment_document_id_document')),
        sa.ForeignKeyConstraint(['removed_by_id'], ['user.id'],
                                name=op.f('fk_attachment_removed_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment')),
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_document_id'), ['document_id'], unique=False)

    op.create_table(
        'version_attachment',
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('attachment_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('publish', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['attachment_id'], ['attachment.id'],
                                name=op.f('fk_version_attachment_attachment_id_attachment')),
        sa.ForeignKeyConstraint(['version_id'], ['document_version.id'],
                                name=op.f('fk_version_attachment_version_id_document_version')),
        sa.PrimaryKeyConstraint('version_id', 'attachment_id', name=op.f('pk_version_attachment')),
    )


def downgrade():
    op.drop_table('version_attachment')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_document_id'))
    op.drop_table('attachment')
    for table in ('document_version', 'document'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_source_disclosure'), type_='check')
            batch_op.drop_constraint(op.f(f'ck_{table}_direction'), type_='check')
            for name in ('source_disclosure', 'direction', 'forwards', 'printed_on'):
                batch_op.drop_column(name)
            for name, _ in reversed(TEXTS):
                batch_op.drop_column(name)
            if table == 'document_version':
                batch_op.drop_column('signed_on_by_hand')
                batch_op.drop_column('signed_on')
