"""Database models.  Permission rules that depend only on the data live here as methods."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Index, UniqueConstraint, text
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db
from .labels import (ANNOTATION_PROACTIVE, Channel, Disclosure, LegalBasis, Role, State)


LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def utcnow():
    """Timestamps are stored as naive UTC."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def to_local(value):
    """A stored (naive UTC) timestamp in Beijing time, for display and for working-day dates."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc).astimezone(LOCAL_TZ)


def local_today():
    return datetime.now(LOCAL_TZ).date()


def _in(column, enum):
    values = ", ".join(f"'{m.value}'" for m in enum)
    return f"{column} IN ({values})"


division_leaders = db.Table(
    "division_leader",
    db.Column("user_id", db.ForeignKey("user.id"), primary_key=True),
    db.Column("division_id", db.ForeignKey("division.id"), primary_key=True),
)


class Division(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), nullable=False, unique=True)
    leaders = db.relationship("User", secondary=division_leaders, back_populates="led_divisions",
                              order_by="User.name")

    def __repr__(self):
        return f"<Division {self.name}>"


class User(UserMixin, db.Model):
    __table_args__ = (CheckConstraint(_in("role", Role), name="role"),)

    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(64), nullable=False, unique=True)
    name = db.Column(db.String(64), nullable=False)
    password_hash = db.Column(db.String(256), nullable=False)
    role = db.Column(db.String(20), nullable=False)
    division_id = db.Column(db.ForeignKey("division.id"))
    active = db.Column(db.Boolean, nullable=False, default=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    division = db.relationship("Division", foreign_keys=[division_id])
    led_divisions = db.relationship("Division", secondary=division_leaders,
                                    back_populates="leaders", order_by="Division.name")

    @property
    def is_active(self):
        return self.active

    @property
    def role_enum(self):
        return Role(self.role)

    def has_role(self, role):
        return self.role == getattr(role, "value", role)

    def leads(self, division_id):
        return self.has_role(Role.DIVISION_HEAD) and any(
            d.id == division_id for d in self.led_divisions)

    def set_password(self, password):
        self.password_hash = generate_password_hash(password)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    def __repr__(self):
        return f"<User {self.username} {self.role}>"


class Tagged:
    """The disclosure tagging, read as vocabulary: shared by a document and its versions."""

    @property
    def disclosure_enum(self):
        return Disclosure.get(self.disclosure) if self.disclosure else None

    @property
    def basis_enum(self):
        return LegalBasis.get(self.legal_basis) if self.legal_basis else None

    @property
    def channel_list(self):
        return [c for c in (Channel.get(k) for k in self.channels.split(",") if k) if c]


class Document(Tagged, db.Model):
    """An outgoing official document (公文) and its current, editable content."""
    __table_args__ = (
        CheckConstraint(_in("state", State), name="state"),
        CheckConstraint("disclosure IS NULL OR " + _in("disclosure", Disclosure), name="disclosure"),
        CheckConstraint("legal_basis IS NULL OR " + _in("legal_basis", LegalBasis),
                        name="legal_basis"),
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
    )

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    doc_number = db.Column(db.String(64))          # 文号, e.g. 泉交办〔2020〕19号
    division_id = db.Column(db.ForeignKey("division.id"), nullable=False)
    drafter_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    body_html = db.Column(db.Text, nullable=False, default="")
    is_urgent = db.Column(db.Boolean, nullable=False, default=False)
    channels = db.Column(db.String(200), nullable=False, default="")   # comma-separated Channel keys
    disclosure = db.Column(db.String(20))
    legal_basis = db.Column(db.String(40))
    reason_text = db.Column(db.Text, nullable=False, default="")
    state = db.Column(db.String(20), nullable=False, default=State.DRAFT.value)
    version_no = db.Column(db.Integer, nullable=False, default=0)  # submissions so far
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    submitted_at = db.Column(db.DateTime)
    approved_at = db.Column(db.DateTime)
    published_on = db.Column(db.Date)
    published_channel = db.Column(db.String(20))
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
    # Optimistic lock: an UPDATE that finds another writer got there first fails.
    lock_version = db.Column(db.Integer, nullable=False, default=1)

    division = db.relationship("Division")
    drafter = db.relationship("User", foreign_keys=[drafter_id])
    versions = db.relationship("DocumentVersion", back_populates="document",
                               order_by="DocumentVersion.number")
    events = db.relationship("Event", back_populates="document", order_by="Event.id")

    __mapper_args__ = {"version_id_col": lock_version}

    # --- vocabulary views -------------------------------------------------
    @property
    def state_enum(self):
        return State(self.state)


    @property
    def annotation(self):
        """The 附注 line: only a proactive document that has been approved for publishing has it."""
        if (self.disclosure == Disclosure.PROACTIVE.value
                and self.state in (State.PUBLISH_QUEUE.value, State.PUBLISHED.value)):
            return ANNOTATION_PROACTIVE
        return None

    @property
    def last_event(self):
        return self.events[-1] if self.events else None

    # --- permissions (the workflow module holds the transition table) ----
    def can_view(self, user):
        from . import workflow
        return workflow.can_view(self, user)

    def can(self, action, user):
        from . import workflow
        return workflow.allowed(self, action, user)

    def allowed_actions(self, user):
        from . import workflow
        return workflow.allowed_actions(self, user)

    def __repr__(self):
        return f"<Document {self.id} {self.state}>"


class DocumentVersion(Tagged, db.Model):
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
    disclosure = db.Column(db.String(20))
    legal_basis = db.Column(db.String(40))
    reason_text = db.Column(db.Text, nullable=False)
    interpretation_html = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    created_by_id = db.Column(db.ForeignKey("user.id"), nullable=False)

    document = db.relationship("Document", back_populates="versions")
    created_by = db.relationship("User")

    FIELDS = ("title", "doc_number", "body_html", "is_urgent", "channels", "disclosure",
              "legal_basis", "reason_text", "interpretation_html")

    @classmethod
    def snapshot(cls, document, number, user):
        return cls(document=document, number=number, created_by=user,
                   **{f: getattr(document, f) for f in cls.FIELDS})



class Event(db.Model):
    """One state change or decision: who, when, from, to, comment.  Never updated or deleted."""
    id = db.Column(db.Integer, primary_key=True)
    document_id = db.Column(db.ForeignKey("document.id"), nullable=False, index=True)
    actor_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    action = db.Column(db.String(30), nullable=False)
    from_state = db.Column(db.String(20))
    to_state = db.Column(db.String(20), nullable=False)
    comment = db.Column(db.Text, nullable=False, default="")
    version_no = db.Column(db.Integer, nullable=False, default=0)
    at = db.Column(db.DateTime, nullable=False, default=utcnow)

    document = db.relationship("Document", back_populates="events")
    actor = db.relationship("User")

    @property
    def from_state_enum(self):
        return State.get(self.from_state) if self.from_state else None

    @property
    def to_state_enum(self):
        return State(self.to_state)

    @property
    def action_label(self):
        from .labels import Action
        action = Action.get(self.action)
        return action.label if action else self.action


# --- working-day calendar (节假日与调休安排) -------------------------------------------
from .labels import DayKind  # noqa: E402  (appended section; kept apart from the document models)

_CURRENT = db.text("superseded_at IS NULL")


class CalendarYear(db.Model):
    """One saved version of a year's holiday calendar, as the admin entered or loaded it.

    Saving a year again does not rewrite or delete anything: the version in force gets
    ``superseded_at`` and the new version (``replaces_id`` pointing back) becomes current.
    At most one version per year is current (partial unique index).  A year's days are the
    ``CalendarDay`` rows of its current version.  ``maintained`` says the admin checked the
    year is complete; a year neither maintained nor covered by the chinese-calendar package
    is counted as plain Monday–Friday and flagged 日历未维护.
    """
    __table_args__ = (
        db.Index("uq_calendar_year_current_year", "year", unique=True,
                 sqlite_where=_CURRENT, postgresql_where=_CURRENT),
    )

    id = db.Column(db.Integer, primary_key=True)
    year = db.Column(db.Integer, nullable=False)
    maintained = db.Column(db.Boolean, nullable=False, default=False)
    note = db.Column(db.String(200), nullable=False, default="")     # e.g. 国办发明电〔2026〕X号
    source = db.Column(db.String(200), nullable=False, default="")   # 管理页面 / 命令行导入：FILE
    entered_by_id = db.Column(db.ForeignKey("user.id"))              # NULL: command line, no --user
    entered_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    replaces_id = db.Column(db.ForeignKey("calendar_year.id"))
    superseded_at = db.Column(db.DateTime)

    entered_by = db.relationship("User")
    replaces = db.relationship("CalendarYear", remote_side=[id])
    days = db.relationship("CalendarDay", back_populates="calendar_year",
                           order_by="CalendarDay.date")

    @property
    def is_current(self):
        return self.superseded_at is None

    def __repr__(self):
        return f"<CalendarYear {self.year} #{self.id}{'' if self.is_current else ' superseded'}>"


class CalendarDay(db.Model):
    """A day off (holiday) or a make-up workday (workday) of one saved calendar version.
    Entered days override the chinese-calendar package for that date.  Never updated."""
    __table_args__ = (
        CheckConstraint(_in("kind", DayKind), name="kind"),
        UniqueConstraint("calendar_year_id", "date", name="calendar_year_date"),
    )

    id = db.Column(db.Integer, primary_key=True)
    calendar_year_id = db.Column(db.ForeignKey("calendar_year.id"), nullable=False, index=True)
    date = db.Column(db.Date, nullable=False, index=True)
    kind = db.Column(db.String(10), nullable=False)
    name = db.Column(db.String(40), nullable=False, default="")      # e.g. 春节, 春节调休

    calendar_year = db.relationship("CalendarYear", back_populates="days")

    @property
    def kind_enum(self):
        return DayKind(self.kind)

    @property
    def entered_by(self):
        return self.calendar_year.entered_by

    @property
    def entered_at(self):
        return self.calendar_year.entered_at

    def __repr__(self):
        return f"<CalendarDay {self.date} {self.kind}>"


# --- before publishing: confidentiality check, personal data, catalogue (先审查后发布) ----------
from .labels import PiiDecision, PiiKind  # noqa: E402  (appended section)


class Setting(db.Model):
    """A setting the admin may change at run time (e.g. catalogue_org_code); config is the default."""
    key = db.Column(db.String(60), primary_key=True)
    value = db.Column(db.String(500), nullable=False, default="")
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    updated_by_id = db.Column(db.ForeignKey("user.id"))


class ConfidentialityCheck(db.Model):
    """The office's 保密审查 of one version of a document in the publishing queue.  Never updated:
    a later check of the same version is a new row, and the latest one counts."""
    id = db.Column(db.Integer, primary_key=True)
    document_id = db.Column(db.ForeignKey("document.id"), nullable=False, index=True)
    version_no = db.Column(db.Integer, nullable=False)
    passed = db.Column(db.Boolean, nullable=False)
    remark = db.Column(db.Text, nullable=False, default="")
    checked_by_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    checked_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    document = db.relationship("Document")
    checked_by = db.relationship("User")


class PiiResolution(db.Model):
    """How the office resolved one personal-data hit (kind + value) of one version.  Never updated:
    deciding again adds a row, the latest one counts."""
    __table_args__ = (CheckConstraint(_in("kind", PiiKind), name="pii_kind"),
                      CheckConstraint(_in("decision", PiiDecision), name="pii_decision"))

    id = db.Column(db.Integer, primary_key=True)
    document_id = db.Column(db.ForeignKey("document.id"), nullable=False, index=True)
    version_no = db.Column(db.Integer, nullable=False)
    kind = db.Column(db.String(20), nullable=False)
    value = db.Column(db.String(40), nullable=False)
    decision = db.Column(db.String(10), nullable=False)
    remark = db.Column(db.Text, nullable=False, default="")
    decided_by_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    decided_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    decided_by = db.relationship("User")

    @property
    def kind_enum(self):
        return PiiKind(self.kind)

    @property
    def decision_enum(self):
        return PiiDecision(self.decision)


class SerialCounter(db.Model):
    """The last 索引号 serial handed out per (organisation code, year); locked while incremented."""
    __table_args__ = (UniqueConstraint("org_code", "year", name="serial_counter_org_year"),)

    id = db.Column(db.Integer, primary_key=True)
    org_code = db.Column(db.String(40), nullable=False)
    year = db.Column(db.Integer, nullable=False)
    last = db.Column(db.Integer, nullable=False, default=0)


class CatalogueEntry(db.Model):
    """A proactive document's entry in the public catalogue (政府信息公开目录), made when it enters
    the publishing queue: 索引号, 发布机构, 公文生成日期, 主题分类; the published text is frozen
    (with redactions applied) when it is marked published."""
    __table_args__ = (UniqueConstraint("org_code", "year", "serial", name="catalogue_serial"),)

    id = db.Column(db.Integer, primary_key=True)
    document_id = db.Column(db.ForeignKey("document.id"), nullable=False, unique=True)
    org_code = db.Column(db.String(40), nullable=False)
    year = db.Column(db.Integer, nullable=False)
    serial = db.Column(db.Integer, nullable=False)
    category_code = db.Column(db.String(20), nullable=False)
    category_name = db.Column(db.String(60), nullable=False)
    index_no = db.Column(db.String(80), nullable=False, unique=True)
    issuer = db.Column(db.String(100), nullable=False)
    formed_on = db.Column(db.Date, nullable=False)            # 公文生成日期 (成文日期: signed off)
    published_body_html = db.Column(db.Text)                  # the text as published, redacted
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    document = db.relationship("Document", backref=db.backref("catalogue", uselist=False))


# --- 删减后公开: the spans of the body the drafter marks for removal -------------------------
class RedactionSpan(db.Model):
    """One piece of a redacted (删减后公开) document's body to be removed from the published copy,
    with its legal basis.  Never deleted: withdrawing a span sets ``withdrawn_at``."""
    __table_args__ = (CheckConstraint(_in("basis", LegalBasis), name="basis"),)

    id = db.Column(db.Integer, primary_key=True)
    document_id = db.Column(db.ForeignKey("document.id"), nullable=False, index=True)
    text = db.Column(db.Text, nullable=False)
    basis = db.Column(db.String(40), nullable=False)
    created_by_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    withdrawn_at = db.Column(db.DateTime)

    document = db.relationship("Document", backref=db.backref(
        "redaction_spans", order_by="RedactionSpan.id"))
    created_by = db.relationship("User")

    @property
    def basis_enum(self):
        return LegalBasis.get(self.basis)

    @property
    def active(self):
        return self.withdrawn_at is None
