"""Documents (公文), their submitted versions, the spans removed from a redacted copy, and the
audit trail.  Data and invariants only: the rules that move a document live in workflow.py."""
from sqlalchemy import Index, UniqueConstraint, text
from sqlalchemy.orm import declared_attr

from ..dates import utcnow
from ..labels import (ACTOR_COMMAND_LINE, ACTOR_SYSTEM, Action, Channel, Direction, Disclosure,
                      LegalBasis, Role, State)
from .base import db, enum_column


class Tagged:
    """The disclosure tagging, read as vocabulary: shared by a document and its versions."""

    @property
    def channel_list(self):
        return [c for c in (Channel.get(k) for k in (self.channels or "").split(",") if k) if c]

    @property
    def annotation(self):
        """The 附注 line the disclosure attribute puts on the paper, e.g. “（此件主动公开）”: on the
        paper the leaders sign as on the one that is published (None while untagged)."""
        return self.disclosure.annotation if self.disclosure else None


class PaperParts:
    """The elements of a 公文 (GB/T 9704-2012) besides its title, 文号 and body: shared by a
    document and each of its versions, so that a version keeps the paper as it was submitted."""
    issuer_mark = db.Column(db.String(100), nullable=False, default="")      # 发文机关标志
    signer = db.Column(db.String(64), nullable=False, default="")            # 签发人 (上行文)
    main_recipients = db.Column(db.String(500), nullable=False, default="")  # 主送机关
    attachment_note = db.Column(db.Text, nullable=False, default="")         # 附件说明, a line each
    signature = db.Column(db.String(200), nullable=False, default="")        # 发文机关署名
    note = db.Column(db.String(500), nullable=False, default="")             # 附注 besides the attribute's
    cc = db.Column(db.String(500), nullable=False, default="")               # 抄送机关
    printed_by = db.Column(db.String(100), nullable=False, default="")       # 印发机关
    printed_on = db.Column(db.Date)                                          # 印发日期
    # 转发: the document forwards another authority's document, named here.
    forwards = db.Column(db.Boolean, nullable=False, default=False)
    source_issuer = db.Column(db.String(100), nullable=False, default="")
    source_number = db.Column(db.String(64), nullable=False, default="")

    @declared_attr
    def direction(cls):                                                      # 行文方向
        return enum_column(Direction, "direction", nullable=False, default=Direction.DOWNWARD)

    @declared_attr
    def source_disclosure(cls):                                              # the source's attribute
        return enum_column(Disclosure, "source_disclosure")

    @property
    def attachment_lines(self):
        return [line.strip() for line in (self.attachment_note or "").splitlines() if line.strip()]


class Document(Tagged, PaperParts, db.Model):
    """An outgoing official document (公文) and its current, editable content."""
    __table_args__ = (
        # The work lists filter by state / division / drafter and sort by urgency then recency:
        # these let the database read a list in order instead of sorting every match
        # (measured in bench/README.md).
        Index("ix_document_state_order", "state", text("is_urgent DESC"), text("updated_at DESC"),
              text("id DESC")),
        Index("ix_document_order", text("is_urgent DESC"), text("updated_at DESC"), text("id DESC")),
        Index("ix_document_division_state", "division_id", "state", "drafter_id"),
        # The few published documents whose interpretation material is still owed (三同步).
        Index("ix_document_interpretation_due", "published_on",
              postgresql_where=text("interpretation_published_on IS NULL AND interpretation_html <> ''"),
              sqlite_where=text("interpretation_published_on IS NULL AND interpretation_html <> ''")),
        Index("ix_document_drafter_order", "drafter_id", text("is_urgent DESC"),
              text("updated_at DESC"), text("id DESC")),
        # 定期评估审查: what is due, by date.
        Index("ix_document_next_review", "next_review_on",
              postgresql_where=text("next_review_on IS NOT NULL"),
              sqlite_where=text("next_review_on IS NOT NULL")),
    )

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    doc_number = db.Column(db.String(64))          # 文号, e.g. 泉交办〔2020〕19号
    division_id = db.Column(db.ForeignKey("division.id"), nullable=False)
    drafter_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    body_html = db.Column(db.Text, nullable=False, default="")
    is_urgent = db.Column(db.Boolean, nullable=False, default=False)
    channels = db.Column(db.String(200), nullable=False, default="")   # comma-separated Channel keys
    disclosure = enum_column(Disclosure, "disclosure")
    legal_basis = enum_column(LegalBasis, "legal_basis", length=40)
    reason_text = db.Column(db.Text, nullable=False, default="")
    state = enum_column(State, "state", nullable=False, default=State.DRAFT)
    version_no = db.Column(db.Integer, nullable=False, default=0)  # submissions so far
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    submitted_at = db.Column(db.DateTime)
    approved_at = db.Column(db.DateTime)
    # 成文日期: the day the information is formed — the principal's sign-off, unless the drafter
    # entered the date of a document signed outside the tool (signed_on_by_hand).
    signed_on = db.Column(db.Date)
    signed_on_by_hand = db.Column(db.Boolean, nullable=False, default=False)
    published_on = db.Column(db.Date)
    published_channel = enum_column(Channel, "published_channel")
    published_url = db.Column(db.String(500))
    # Deadline clocks (see deadlines.py): the local date each one started.
    office_clock_from = db.Column(db.Date)          # formed or returned for change → send to office
    publish_clock_from = db.Column(db.Date)         # formed or changed → publish (proactive)
    post_hoc_from = db.Column(db.Date)              # urgent document submitted with review pending
    post_hoc_done_at = db.Column(db.DateTime)       # its disclosure review signed off
    is_decision = db.Column(db.Boolean, nullable=False, default=False)  # 行政许可、处罚决定
    # Policy interpretation material (解读材料), drafted and signed off with the document (三同步).
    interpretation_html = db.Column(db.Text, nullable=False, default="")
    interpretation_published_on = db.Column(db.Date)
    interpretation_url = db.Column(db.String(500))
    decision_date = db.Column(db.Date)
    # 定期评估审查 (条例第十八条): documents not (fully) disclosed are looked at again on this date
    # — the admin's period after sign-off or the last re-review, or a date the office set.
    next_review_on = db.Column(db.Date)
    next_review_by_hand = db.Column(db.Boolean, nullable=False, default=False)
    review_from = db.Column(db.Date)                # the date the period counts from
    review_flag = db.Column(db.String(300), nullable=False, default="")   # why it is due early
    # The decision this document prepares (过程性信息 → 决定): its publication flags this one.
    prepares_decision_id = db.Column(db.ForeignKey("document.id"))
    # Optimistic lock: an UPDATE that finds another writer got there first fails.
    lock_version = db.Column(db.Integer, nullable=False, default=1)

    division = db.relationship("Division")
    drafter = db.relationship("User", foreign_keys=[drafter_id])
    versions = db.relationship("DocumentVersion", back_populates="document",
                               order_by="DocumentVersion.number")
    events = db.relationship("Event", back_populates="document", order_by="Event.id")
    redaction_spans = db.relationship("RedactionSpan", back_populates="document",
                                      order_by="RedactionSpan.id")
    catalogue = db.relationship("CatalogueEntry", back_populates="document", uselist=False)
    re_reviews = db.relationship("ReReview", back_populates="document", order_by="ReReview.id")
    prepares_decision = db.relationship("Document", remote_side=[id], foreign_keys=[prepares_decision_id])

    __mapper_args__ = {"version_id_col": lock_version}

    attachments = db.relationship("Attachment", back_populates="document", order_by="Attachment.id")

    @property
    def active_attachments(self):
        return [a for a in self.attachments if a.removed_at is None]

    @property
    def pending_conversion(self):
        """The conversion proposed by a re-review and not yet signed, refused or withdrawn."""
        return next((r for r in reversed(self.re_reviews) if r.pending), None)

    @property
    def last_event(self):
        return self.events[-1] if self.events else None

    @property
    def active_redaction_spans(self):
        return [s for s in self.redaction_spans if s.withdrawn_at is None]

    def __repr__(self):
        return f"<Document {self.id} {self.state}>"


class DocumentVersion(Tagged, PaperParts, db.Model):
    """A frozen copy of the document as it was at one submission."""
    __table_args__ = (UniqueConstraint("document_id", "number", name="document_number"),)

    id = db.Column(db.Integer, primary_key=True)
    document_id = db.Column(db.ForeignKey("document.id"), nullable=False, index=True)
    number = db.Column(db.Integer, nullable=False)
    title = db.Column(db.String(200), nullable=False)
    doc_number = db.Column(db.String(64))
    body_html = db.Column(db.Text, nullable=False)
    is_urgent = db.Column(db.Boolean, nullable=False)
    channels = db.Column(db.String(200), nullable=False)
    disclosure = enum_column(Disclosure, "disclosure")
    legal_basis = enum_column(LegalBasis, "legal_basis", length=40)
    reason_text = db.Column(db.Text, nullable=False)
    interpretation_html = db.Column(db.Text, nullable=False, default="")
    signed_on = db.Column(db.Date)
    signed_on_by_hand = db.Column(db.Boolean, nullable=False, default=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    created_by_id = db.Column(db.ForeignKey("user.id"), nullable=False)

    document = db.relationship("Document", back_populates="versions")
    created_by = db.relationship("User")
    # The attachments as they were submitted, in 附件说明 order: frozen with the version.
    attachment_links = db.relationship("VersionAttachment", back_populates="version",
                                       order_by="VersionAttachment.position")

    FIELDS = ("title", "doc_number", "body_html", "is_urgent", "channels", "disclosure",
              "legal_basis", "reason_text", "interpretation_html",
              "issuer_mark", "direction", "signer", "main_recipients", "attachment_note",
              "signature", "note", "cc", "printed_by", "printed_on", "forwards", "source_issuer",
              "source_number", "source_disclosure", "signed_on", "signed_on_by_hand")

    @classmethod
    def snapshot(cls, document, number, user):
        return cls(document=document, number=number, created_by=user,
                   **{f: getattr(document, f) for f in cls.FIELDS})

    @property
    def attachments(self):
        return [link.attachment for link in self.attachment_links]


class Event(db.Model):
    """One act: who (in which role), when, on what, from, to, comment.  Never updated or deleted.

    A document's events have ``document_id`` and the states ``from_state`` → ``to_state``;
    an act on something else (a user, a division, a calendar year, a setting) names it in
    ``subject`` and what it changed in ``before`` → ``after``."""
    id = db.Column(db.Integer, primary_key=True)
    document_id = db.Column(db.ForeignKey("document.id"), index=True)
    subject = db.Column(db.String(60))               # e.g. "user:5", "calendar:2027"
    actor_id = db.Column(db.ForeignKey("user.id"))   # NULL: a command run on the server
    actor_role = enum_column(Role, "actor_role", constraint=False)   # held when acting
    action = enum_column(Action, "action", length=40, constraint=False, nullable=False)
    from_state = enum_column(State, "from_state", constraint=False)
    to_state = enum_column(State, "to_state", constraint=False)
    before = db.Column(db.Text, nullable=False, default="")
    after = db.Column(db.Text, nullable=False, default="")
    comment = db.Column(db.Text, nullable=False, default="")
    version_no = db.Column(db.Integer, nullable=False, default=0)
    at = db.Column(db.DateTime, nullable=False, default=utcnow)
    # The hash chain (audit.py): SHA-256 over this event's fields and the previous event's hash.
    prev_hash = db.Column(db.String(64), nullable=False, default="")
    hash = db.Column(db.String(64), nullable=False, default="")

    document = db.relationship("Document", back_populates="events")
    actor = db.relationship("User")

    @property
    def actor_name(self):
        """Who acted: the user, else the system (a lockout) or a command run on the server."""
        if self.actor is not None:
            return self.actor.name
        return ACTOR_SYSTEM if self.action == Action.LOGIN_LOCKOUT else ACTOR_COMMAND_LINE


class RedactionSpan(db.Model):
    """One piece of a redacted (删减后公开) document's body to be removed from the published copy,
    with its legal basis.  Never deleted: withdrawing a span sets ``withdrawn_at``."""
    id = db.Column(db.Integer, primary_key=True)
    document_id = db.Column(db.ForeignKey("document.id"), nullable=False, index=True)
    text = db.Column(db.Text, nullable=False)
    basis = enum_column(LegalBasis, "basis", length=40, nullable=False)
    created_by_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    withdrawn_at = db.Column(db.DateTime)

    document = db.relationship("Document", back_populates="redaction_spans")
    created_by = db.relationship("User")
