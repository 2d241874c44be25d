"""Before publishing (先审查后发布) and the public catalogue (政府信息公开目录): the settings of the
索引号, the serials, a document's catalogue entry, the checks that must pass before publishing,
and the record the feed and exports give.

The workflow calls :func:`assign` and :func:`freeze_published_text` as effects of its
transitions and :func:`publish_problems` as MARK_PUBLISHED's check; the office's acts on a queued
document are in ``operations``.  The caller commits.
"""
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..dates import local_today, to_local
from ..extensions import db
from ..gongwen import files
from ..labels import (ANNOTATION_PROACTIVE, DEFAULT_CATEGORIES, DOCUMENT_FIELDS, VALID, Disclosure,
                      PiiDecision, PiiKind, State)
from ..models import CatalogueEntry, ConfidentialityCheck, PiiResolution, SerialCounter, Setting
from ..sanitize import body_text
from . import pii, redaction

ORG_CODE_KEY = "catalogue_org_code"


# --- configuration ------------------------------------------------------------------------------
def setting(key, default=None):
    row = db.session.get(Setting, key)
    return row.value if row is not None and row.value else default


def org_code():
    """The organisation code of the 索引号: the admin's setting, else config CATALOGUE_ORG_CODE."""
    return setting(ORG_CODE_KEY, current_app.config.get("CATALOGUE_ORG_CODE", "JT00001"))


def categories():
    """主题分类 as [(code, name)]: config CATALOGUE_CATEGORIES, else the default list."""
    return [tuple(c) for c in (current_app.config.get("CATALOGUE_CATEGORIES") or DEFAULT_CATEGORIES)]


def category_name(code):
    return dict(categories()).get(code)


def default_category():
    code = current_app.config.get("CATALOGUE_DEFAULT_CATEGORY", "0204")
    return code if category_name(code) else categories()[0][0]


def format_index(org, category, year, serial):
    pattern = current_app.config.get("CATALOGUE_INDEX_PATTERN", "{org}-{category}-{year}-{serial:05d}")
    return pattern.format(org=org, category=category, year=year, serial=serial)


# --- serials: unique per (org, year), also when two documents enter the queue at once ------------
def next_serial(org, year, attempts=5):
    """Lock the (org, year) counter row (SELECT … FOR UPDATE on PostgreSQL; SQLite serializes
    writers anyway) and take the next number.  A missing row is inserted in a savepoint; if a
    concurrent transaction inserted it first, the unique constraint fails and we lock theirs."""
    for _ in range(attempts):
        counter = db.session.execute(
            select(SerialCounter).filter_by(org_code=org, year=year).with_for_update()
            .execution_options(populate_existing=True)).scalar_one_or_none()
        if counter is not None:
            counter.last += 1
            db.session.flush()
            return counter.last
        try:
            with db.session.begin_nested():
                db.session.add(SerialCounter(org_code=org, year=year, last=0))
        except IntegrityError:
            pass
    raise RuntimeError("无法分配索引号流水号，请重试。")


def assign(doc):
    """The catalogue entry of a document entering the queue; an entry it already has is kept
    (a document returned after the confidentiality check keeps its 索引号)."""
    if doc.catalogue is not None:
        return doc.catalogue
    formed = doc.signed_on or (to_local(doc.approved_at).date() if doc.approved_at else local_today())
    org, category = org_code(), default_category()
    serial = next_serial(org, formed.year)
    entry = CatalogueEntry(document=doc, org_code=org, year=formed.year, serial=serial,
                           category_code=category, category_name=category_name(category),
                           index_no=format_index(org, category, formed.year, serial),
                           issuer=current_app.config["BUREAU_NAME"], formed_on=formed)
    db.session.add(entry)
    db.session.flush()
    return entry


def set_category(entry, code):
    entry.category_code, entry.category_name = code, category_name(code)
    entry.index_no = format_index(entry.org_code, code, entry.year, entry.serial)


# --- the checks ------------------------------------------------------------------------------------
def latest_check(doc):
    """The latest confidentiality check of the document's current version, or None."""
    return db.session.scalars(
        select(ConfidentialityCheck).filter_by(document_id=doc.id, version_no=doc.version_no)
        .order_by(ConfidentialityCheck.id.desc()).limit(1)).first()


def record_check(doc, user, passed, remark):
    """The 保密审查 of the current version (a failed check leaves the version number as it was)."""
    db.session.add(ConfidentialityCheck(document_id=doc.id, version_no=doc.version_no,
                                        passed=passed, remark=remark, checked_by_id=user.id))


def check_passed(doc):
    check = latest_check(doc)
    return bool(check and check.passed)


@dataclass
class Finding:
    """One distinct personal-data hit of what is published — the body and the text of each .docx
    附件 published with it — where it was found, and its latest resolution (or None)."""
    kind: object            # PiiKind
    value: str
    resolution: object
    where: tuple = ()       # "正文", "附件《…》"

    @property
    def in_attachment(self):
        return any(w != DOCUMENT_FIELDS["body_html"] for w in self.where)


def scanned_texts(doc):
    """(where, text) of everything the scan reads: the body, then each 附件 published with the
    document whose text could be read (.docx, .txt)."""
    texts = [(DOCUMENT_FIELDS["body_html"], body_text(doc.body_html))]
    texts += [(f"附件《{a.title}》", a.text) for a in files.published_with(doc) if a.text]
    return texts


def unscanned_attachments(doc):
    """附件 published with the document whose text the scan cannot read (PDF, images…)."""
    return [a for a in files.published_with(doc) if not a.text]


def findings(doc):
    places = {}
    for where, text in scanned_texts(doc):
        for h in pii.distinct(pii.scan(text)):
            places.setdefault((h.kind, h.value), []).append(where)
    if not places:
        return []
    latest = {}
    for r in db.session.scalars(select(PiiResolution).filter_by(
            document_id=doc.id, version_no=doc.version_no).order_by(PiiResolution.id)):
        latest[(r.kind, r.value)] = r
    return [Finding(PiiKind(kind), value, latest.get((kind, value)), tuple(where))
            for (kind, value), where in places.items()]


def unresolved(doc):
    return [f for f in findings(doc) if f.resolution is None]


def publish_problems(doc):
    """MARK_PUBLISHED's check: passed 保密审查 of this version, a 文号, every personal-data hit
    resolved, a catalogue entry."""
    problems = {}
    if not check_passed(doc):
        problems["confidentiality"] = "本版本尚未通过保密审查，不能发布。"
    if not (doc.doc_number or "").strip():
        problems["doc_number"] = "未登记文号，不能发布。"
    open_hits = unresolved(doc)
    if open_hits:
        problems["pii"] = (f"正文中有{len(open_hits)}处疑似个人信息尚未处理（删除或确认可以公开），"
                           "不能发布。")
    if doc.catalogue is None:
        problems["catalogue"] = "尚未生成编目信息（索引号），不能发布。"
    cut_in_files = [f for f in findings(doc) if f.in_attachment and f.resolution is not None
                    and f.resolution.decision == PiiDecision.REDACT]
    if cut_in_files:
        where = "、".join(dict.fromkeys(w for f in cut_in_files for w in f.where if w.startswith("附件")))
        problems["pii_attachments"] = (f"{where}中有决定删除的个人信息，附件文件不能自动删改：请以“保密审查未通过”"
                                       "退回拟稿人，换成去标识化的附件后重新报批。")
    return problems


def published_body(doc):
    """The body as it is published: every hit the office chose to redact replaced by ■■■; for a
    删减后公开 document, made from its redacted copy — the original text is never published."""
    cut = [f.value for f in findings(doc)
           if f.resolution is not None and f.resolution.decision == PiiDecision.REDACT]
    body = redaction.redacted_html(doc) if doc.disclosure == Disclosure.REDACTED else doc.body_html
    return pii.redact(body, cut)


def freeze_published_text(doc):
    doc.catalogue.published_body_html = published_body(doc)


# --- what the catalogue shows and exports ----------------------------------------------------------
def entry_dict(doc, with_body=False):
    """One document's catalogue record, as the feed and the exports give it (see README)."""
    entry = doc.catalogue
    published = doc.state == State.PUBLISHED
    data = {
        "id": doc.id,
        "title": doc.title,
        "index_no": entry.index_no if entry else None,
        "doc_number": doc.doc_number or None,
        "issuer": entry.issuer if entry else current_app.config["BUREAU_NAME"],
        "formed_on": entry.formed_on.isoformat() if entry else None,
        "published_on": doc.published_on.isoformat() if published and doc.published_on else None,
        "category_code": entry.category_code if entry else None,
        "category": entry.category_name if entry else None,
        "channel": doc.published_channel.label if published and doc.published_channel else None,
        "url": doc.published_url if published else None,
        "validity": VALID,
        "disclosure": Disclosure.PROACTIVE.label,
        "annotation": ANNOTATION_PROACTIVE,
        "state": doc.state.value,
        "state_label": doc.state.label,
    }
    if with_body:
        data["body_html"] = entry.published_body_html if (entry and published) else None
    return data
