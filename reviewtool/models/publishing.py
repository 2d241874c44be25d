"""Before publishing (先审查后发布) and the public catalogue: settings, the confidentiality check,
personal-data resolutions, 索引号 serials and catalogue entries."""
from sqlalchemy import UniqueConstraint

from ..dates import utcnow
from ..labels import PiiDecision, PiiKind
from .base import db, enum_column


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
    id = db.Column(db.Integer, primary_key=True)
    document_id = db.Column(db.ForeignKey("document.id"), nullable=False, index=True)
    version_no = db.Column(db.Integer, nullable=False)
    kind = enum_column(PiiKind, "pii_kind", nullable=False)
    value = db.Column(db.String(40), nullable=False)
    decision = enum_column(PiiDecision, "pii_decision", length=10, nullable=False)
    remark = db.Column(db.Text, nullable=False, default="")
    decided_by_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    decided_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    decided_by = db.relationship("User")


class SerialCounter(db.Model):
    """The last 索引号 serial handed out per (organisation code, year); locked while incremented."""
    __table_args__ = (UniqueConstraint("org_code", "year", name="serial_counter_org_year"),)

    id = db.Column(db.Integer, primary_key=True)
    org_code = db.Column(db.String(40), nullable=False)
    year = db.Column(db.Integer, nullable=False)
    last = db.Column(db.Integer, nullable=False, default=0)


class CatalogueEntry(db.Model):
    """A document's entry in the public catalogue (政府信息公开目录), made when it enters the
    publishing queue: 索引号, 发布机构, 公文生成日期, 主题分类; the published text is frozen
    (redactions and personal data applied) when it is marked published."""
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

    document = db.relationship("Document", back_populates="catalogue")
