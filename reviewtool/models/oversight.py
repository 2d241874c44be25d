"""The office's year: the audit chain's head, periodic re-reviews (定期评估审查), in-app
notifications (消息) and the e-mail digests sent.  Data and invariants only."""
from sqlalchemy import Index, UniqueConstraint, text

from ..dates import utcnow
from ..labels import ConversionResult, Disclosure, LegalBasis, NoticeKind, ReviewOutcome, State
from .base import db, enum_column

GENESIS_HASH = "0" * 64


class AuditChainHead(db.Model):
    """The one row (id 1) naming the last event of the hash chain.  Every writer of an Event
    locks it first, so two transactions never chain to the same predecessor; ``length`` and
    ``last_event_id`` let a verification notice events removed from the end of the chain."""
    __tablename__ = "audit_chain_head"

    id = db.Column(db.Integer, primary_key=True)
    last_event_id = db.Column(db.Integer)
    last_hash = db.Column(db.String(64), nullable=False, default=GENESIS_HASH)
    length = db.Column(db.Integer, nullable=False, default=0)


class ReReview(db.Model):
    """One periodic re-review of a document that was not (fully) disclosed: the office's outcome
    and written reason, what the document was before (attribute, basis, reason, channels, state),
    and — for a conversion — the channels proposed and how the conversion ended."""
    __tablename__ = "re_review"

    id = db.Column(db.Integer, primary_key=True)
    document_id = db.Column(db.ForeignKey("document.id"), nullable=False, index=True)
    outcome = enum_column(ReviewOutcome, "review_outcome", nullable=False)
    reason = db.Column(db.Text, nullable=False)
    from_state = enum_column(State, "from_state", nullable=False, constraint=False)
    from_disclosure = enum_column(Disclosure, "from_disclosure", nullable=False)
    from_legal_basis = enum_column(LegalBasis, "from_legal_basis", length=40)
    from_reason_text = db.Column(db.Text, nullable=False, default="")
    from_channels = db.Column(db.String(200), nullable=False, default="")
    channels = db.Column(db.String(200), nullable=False, default="")     # proposed (conversions)
    reviewed_by_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    reviewed_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    result = enum_column(ConversionResult, "conversion_result")          # conversions, once ended
    closed_by_id = db.Column(db.ForeignKey("user.id"))
    closed_at = db.Column(db.DateTime)

    document = db.relationship("Document", back_populates="re_reviews")
    reviewed_by = db.relationship("User", foreign_keys=[reviewed_by_id])
    closed_by = db.relationship("User", foreign_keys=[closed_by_id])

    @property
    def is_conversion(self):
        return self.outcome != ReviewOutcome.KEEP

    @property
    def pending(self):
        return self.is_conversion and self.result is None


_UNREAD = text("read_at IS NULL")


class Notification(db.Model):
    """A message for one person (消息): a document arrived in their queue, theirs came back, a
    clock of theirs is due or overdue, a re-review is due.  ``key`` makes writing it idempotent:
    the sweep writes one notification per user and key, however often it runs.  Derived from
    the audited events and the clocks; reading one changes nothing but ``read_at``."""
    __table_args__ = (
        UniqueConstraint("user_id", "key", name="notification_user_key"),
        Index("ix_notification_unread", "user_id", postgresql_where=_UNREAD, sqlite_where=_UNREAD),
        Index("ix_notification_user_order", "user_id", "id"),      # newest first: read backwards
    )

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    kind = enum_column(NoticeKind, "notice_kind", nullable=False)
    document_id = db.Column(db.ForeignKey("document.id"))
    event_id = db.Column(db.ForeignKey("event.id"))
    text = db.Column(db.Text, nullable=False)
    key = db.Column(db.String(120))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    read_at = db.Column(db.DateTime)

    user = db.relationship("User")
    document = db.relationship("Document")


class DigestLog(db.Model):
    """A daily e-mail digest sent to one person: at most one per person and day."""
    __tablename__ = "digest_log"
    __table_args__ = (UniqueConstraint("user_id", "day", name="digest_log_user_day"),)

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    day = db.Column(db.Date, nullable=False)
    address = db.Column(db.String(254), nullable=False)
    sent_at = db.Column(db.DateTime, nullable=False, default=utcnow)
