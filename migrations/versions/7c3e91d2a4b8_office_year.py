"""the office's year: hash-chained events, periodic re-review (定期评估审查), notifications (消息),
e-mail digests

Existing events are chained in id order (reviewtool.audit's serialization, whose fields and
format are fixed); signed-off documents not (fully) disclosed get their first re-review date,
12 months after their 成文日期.

Revision ID: 7c3e91d2a4b8
Revises: 8a1f3c2d9e47
Create Date: 2026-11-26 09:00:00

"""
from datetime import date

from alembic import op
import sqlalchemy as sa

from reviewtool.audit import CHAIN_FIELDS, event_digest
from reviewtool.dates import add_months

revision = '7c3e91d2a4b8'
down_revision = '8a1f3c2d9e47'
branch_labels = None
depends_on = None

GENESIS = "0" * 64
STATES = ("draft", "office_check", "division_review", "principal_review", "returned",
          "publish_queue", "published", "archived", "review_pending", "review_division",
          "review_principal")
NEW_STATES = STATES + ("convert_redact", "convert_sign")
DISCLOSURES = ("proactive", "on_request", "redacted", "withheld")
BASES = ("art14_secret", "art14_prohibited", "art14_security", "art15_third_party",
         "art16_internal", "art16_process", "art16_enforcement", "art37_separable",
         "not_proactive_scope")
NOTICES = ("arrived", "returned", "due_soon", "overdue", "division_overdue", "re_review_due")
UNREAD = sa.text("read_at IS NULL")
SCHEDULED = sa.text("next_review_on IS NOT NULL")


def _in(column, values, nullable=False):
    listed = f"{column} IN ({', '.join(repr(v) for v in values)})"
    return f"{column} IS NULL OR {listed}" if nullable else listed


def upgrade():
    # --- the hash chain -------------------------------------------------------------------------
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=False, server_default=''))
    head = op.create_table('audit_chain_head',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('last_event_id', sa.Integer(), nullable=True),
        sa.Column('last_hash', sa.String(length=64), nullable=False),
        sa.Column('length', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head'))
    )
    _chain_existing_events(head)
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.alter_column('prev_hash', server_default=None, existing_type=sa.String(length=64),
                              existing_nullable=False)
        batch_op.alter_column('hash', server_default=None, existing_type=sa.String(length=64),
                              existing_nullable=False)

    # --- people: the digest's address ---------------------------------------------------------------
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))

    # --- documents: the re-review schedule, the decision prepared, the conversion states ------------
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_review_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('next_review_by_hand', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('review_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('review_flag', sa.String(length=300), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('prepares_decision_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_document_prepares_decision_id_document'),
                                    'document', ['prepares_decision_id'], ['id'])
        batch_op.create_index('ix_document_next_review', ['next_review_on'], unique=False,
                              postgresql_where=SCHEDULED, sqlite_where=SCHEDULED)
        batch_op.drop_constraint(op.f('ck_document_state'), type_='check')
        batch_op.create_check_constraint('state', _in('state', NEW_STATES))
    _schedule_existing_documents()
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.alter_column('next_review_by_hand', server_default=None, existing_type=sa.Boolean(),
                              existing_nullable=False)
        batch_op.alter_column('review_flag', server_default=None, existing_type=sa.String(length=300),
                              existing_nullable=False)

    op.create_table('re_review',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('outcome', sa.String(length=20), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('from_state', sa.String(length=20), nullable=False),
        sa.Column('from_disclosure', sa.String(length=20), nullable=False),
        sa.Column('from_legal_basis', sa.String(length=40), nullable=True),
        sa.Column('from_reason_text', sa.Text(), nullable=False),
        sa.Column('from_channels', sa.String(length=200), nullable=False),
        sa.Column('channels', sa.String(length=200), nullable=False),
        sa.Column('reviewed_by_id', sa.Integer(), nullable=False),
        sa.Column('reviewed_at', sa.DateTime(), nullable=False),
        sa.Column('result', sa.String(length=20), nullable=True),
        sa.Column('closed_by_id', sa.Integer(), nullable=True),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint(_in('outcome', ("keep", "to_proactive", "to_redacted")),
                           name=op.f('ck_re_review_review_outcome')),
        sa.CheckConstraint(_in('from_disclosure', DISCLOSURES), name=op.f('ck_re_review_from_disclosure')),
        sa.CheckConstraint(_in('from_legal_basis', BASES, nullable=True),
                           name=op.f('ck_re_review_from_legal_basis')),
        sa.CheckConstraint(_in('result', ("signed", "refused", "withdrawn"), nullable=True),
                           name=op.f('ck_re_review_conversion_result')),
        sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_re_review_document_id_document')),
        sa.ForeignKeyConstraint(['reviewed_by_id'], ['user.id'], name=op.f('fk_re_review_reviewed_by_id_user')),
        sa.ForeignKeyConstraint(['closed_by_id'], ['user.id'], name=op.f('fk_re_review_closed_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_re_review'))
    )
    with op.batch_alter_table('re_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_re_review_document_id'), ['document_id'], unique=False)

    # --- notifications and digests ------------------------------------------------------------------
    op.create_table('notification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=True),
        sa.Column('event_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('key', sa.String(length=120), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint(_in('kind', NOTICES), name=op.f('ck_notification_notice_kind')),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_user_id_user')),
        sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_notification_document_id_document')),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_notification_event_id_event')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
        sa.UniqueConstraint('user_id', 'key', name='notification_user_key')
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_unread', ['user_id'], unique=False,
                              postgresql_where=UNREAD, sqlite_where=UNREAD)
    op.create_index('ix_notification_user_order', 'notification', ['user_id', 'id'])

    op.create_table('digest_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('address', sa.String(length=254), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_digest_log_user_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_digest_log')),
        sa.UniqueConstraint('user_id', 'day', name='digest_log_user_day')
    )


def _chain_existing_events(head):
    """Chain the events already written, in id order, and record the head."""
    conn = op.get_bind()
    event = sa.table('event', sa.column('id', sa.Integer), sa.column('document_id', sa.Integer),
                     sa.column('subject', sa.String), sa.column('actor_id', sa.Integer),
                     sa.column('actor_role', sa.String), sa.column('action', sa.String),
                     sa.column('from_state', sa.String), sa.column('to_state', sa.String),
                     sa.column('before', sa.Text), sa.column('after', sa.Text),
                     sa.column('comment', sa.Text), sa.column('version_no', sa.Integer),
                     sa.column('at', sa.DateTime), sa.column('prev_hash', sa.String),
                     sa.column('hash', sa.String))
    previous, last_id, count, after_id = GENESIS, None, 0, 0
    while True:
        rows = conn.execute(sa.select(*[event.c[name] for name in CHAIN_FIELDS])
                            .where(event.c.id > after_id).order_by(event.c.id).limit(5000)).all()
        if not rows:
            break
        updates = []
        for row in rows:
            digest = event_digest(row._mapping, previous)
            updates.append({"event_id": row.id, "prev": previous, "digest": digest})
            previous, last_id, count = digest, row.id, count + 1
        conn.execute(event.update().where(event.c.id == sa.bindparam("event_id"))
                     .values(prev_hash=sa.bindparam("prev"), hash=sa.bindparam("digest")), updates)
        after_id = rows[-1].id
    op.bulk_insert(head, [{"id": 1, "last_event_id": last_id, "last_hash": previous, "length": count}])


def _schedule_existing_documents():
    """Signed-off documents resting not (fully) disclosed: first re-review 12 months after 成文日期."""
    conn = op.get_bind()
    document = sa.table('document', sa.column('id', sa.Integer), sa.column('signed_on', sa.Date),
                        sa.column('state', sa.String), sa.column('disclosure', sa.String),
                        sa.column('review_from', sa.Date), sa.column('next_review_on', sa.Date))
    rows = conn.execute(sa.select(document.c.id, document.c.signed_on).where(
        document.c.signed_on.isnot(None), document.c.state.in_(("archived", "published")),
        document.c.disclosure.in_(("on_request", "redacted", "withheld"))).order_by(document.c.id)).all()
    for doc_id, signed_on in rows:
        if isinstance(signed_on, date):
            conn.execute(document.update().where(document.c.id == doc_id).values(
                review_from=signed_on, next_review_on=add_months(signed_on, 12)))


def downgrade():
    op.drop_table('digest_log')
    op.drop_index('ix_notification_user_order', table_name='notification')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_unread', postgresql_where=UNREAD, sqlite_where=UNREAD)
    op.drop_table('notification')
    with op.batch_alter_table('re_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_re_review_document_id'))
    op.drop_table('re_review')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_document_state'), type_='check')
        batch_op.create_check_constraint('state', _in('state', STATES))
        batch_op.drop_index('ix_document_next_review', postgresql_where=SCHEDULED, sqlite_where=SCHEDULED)
        batch_op.drop_constraint(batch_op.f('fk_document_prepares_decision_id_document'), type_='foreignkey')
        batch_op.drop_column('prepares_decision_id')
        batch_op.drop_column('review_flag')
        batch_op.drop_column('review_from')
        batch_op.drop_column('next_review_by_hand')
        batch_op.drop_column('next_review_on')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('email')
    op.drop_table('audit_chain_head')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
