"""Before publishing (先审查后发布): the confidentiality check, the personal-data scan and its
resolutions, and the catalogue entry (政府信息公开目录: 索引号, 文号, 发布机构, 公文生成日期, 主题分类).

workflow.py calls in here: :func:`publish_problems` is MARK_PUBLISHED's check, and
:func:`after_transition` runs inside ``perform`` (records the check, makes the catalogue entry
when a proactive document enters the queue, freezes the published text).  The office's other
acts on a queued document (:func:`resolve_pii`, :func:`update_catalogue`) check who and state
here and leave an audit Event through ``workflow.record``.  The caller commits.
"""
import re
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from . import pii, redaction
from .extensions import db
from .labels import (ANNOTATION_PROACTIVE, DEFAULT_CATEGORIES, VALID, Action, Channel, Disclosure,
                     PiiDecision, PiiKind, Role, State)
from .models import (CatalogueEntry, ConfidentialityCheck, PiiResolution, SerialCounter, Setting,
                     local_today, to_local)
from .sanitize import body_text

ORG_CODE_KEY = "catalogue_org_code"


# --- configuration ------------------------------------------------------------------------------
def setting(key, default=None):
    row = db.session.get(Setting, key)
    return row.value if row is not None and row.value else default


def org_code():
    """The organisation code of the 索引号: the admin's setting, else config CATALOGUE_ORG_CODE."""
    return setting(ORG_CODE_KEY, current_app.config.get("CATALOGUE_ORG_CODE", "JT00001"))


def set_org_code(user, value):
    from .workflow import NotAllowed, Invalid
    if not user.has_role(Role.ADMIN):
        raise NotAllowed("只有系统管理员可以设置机构代码。")
    value = (value or "").strip()
    if not re.fullmatch(r"[0-9A-Za-z]{1,40}", value):
        raise Invalid("机构代码只能由字母和数字组成（不超过40位）。")
    row = db.session.get(Setting, ORG_CODE_KEY) or Setting(key=ORG_CODE_KEY)
    row.value, row.updated_by_id = value, user.id
    db.session.add(row)
    return row


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
    formed = to_local(doc.approved_at).date() if doc.approved_at else local_today()
    org, category = org_code(), default_category()
    serial = next_serial(org, formed.year)
    entry = CatalogueEntry(document=doc, org_code=org, year=formed.year, serial=serial,
                           category_code=category, category_name=category_name(category),
                           index_no=format_index(org, category, formed.year, serial),
                           issuer=current_app.config["BUREAU_NAME"], formed_on=formed)
    db.session.add(entry)
    db.session.flush()
    return entry


# --- the checks ------------------------------------------------------------------------------------
def latest_check(doc):
    """The latest confidentiality check of the document's current version, or None."""
    return db.session.scalars(
        select(ConfidentialityCheck).filter_by(document_id=doc.id, version_no=doc.version_no)
        .order_by(ConfidentialityCheck.id.desc()).limit(1)).first()


def check_passed(doc):
    check = latest_check(doc)
    return bool(check and check.passed)


@dataclass
class Finding:
    """One distinct personal-data hit of the current body and its latest resolution (or None)."""
    kind: str
    value: str
    resolution: object

    @property
    def kind_enum(self):
        return PiiKind(self.kind)


def findings(doc):
    hits = pii.distinct(pii.scan(body_text(doc.body_html)))
    if not hits:
        return []
    latest = {}
    for r in db.session.scalars(select(PiiResolution).filter_by(
            document_id=doc.id, version_no=doc.version_no).order_by(PiiResolution.id)):
        latest[(r.kind, r.value)] = r
    return [Finding(h.kind, h.value, latest.get((h.kind, h.value))) for h in hits]


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
    return problems


def published_body(doc):
    """The body as it is published: every hit the office chose to redact replaced by ■■■; for a
    删减后公开 document, made from its redacted copy — the original text is never published."""
    cut = [f.value for f in findings(doc)
           if f.resolution is not None and f.resolution.decision == PiiDecision.REDACT.value]
    body = (redaction.redacted_html(doc) if doc.disclosure == Disclosure.REDACTED.value
            else doc.body_html)
    return pii.redact(body, cut)


def after_transition(doc, action, user, from_state, to_state, comment):
    """What these checks keep, for a transition ``perform`` has just taken."""
    if action in (Action.CONFIDENTIALITY_PASS, Action.CONFIDENTIALITY_FAIL):
        # The version checked: a failed check leaves the version number as it was.
        db.session.add(ConfidentialityCheck(document_id=doc.id, version_no=doc.version_no,
                                            passed=action == Action.CONFIDENTIALITY_PASS,
                                            remark=comment, checked_by_id=user.id))
    elif to_state == State.PUBLISH_QUEUE and from_state != State.PUBLISH_QUEUE:
        assign(doc)
    elif action == Action.MARK_PUBLISHED:
        doc.catalogue.published_body_html = published_body(doc)
    db.session.flush()


# --- the office's acts on a queued document --------------------------------------------------------
def _office_on_queue(doc, user, what):
    from .workflow import NotAllowed, WrongState, is_office
    if not is_office(doc, user):
        raise NotAllowed(f"只有办公室可以{what}。")
    if doc.state_enum != State.PUBLISH_QUEUE:
        raise WrongState(f"该公文当前状态为“{doc.state_enum.label}”，不能{what}。")


def resolve_pii(doc, user, kind, value, decision, remark=""):
    """Resolve one hit: redact it, or confirm (with a remark) that it may lawfully be published."""
    from .workflow import Invalid, record
    _office_on_queue(doc, user, "处理个人信息")
    decision = PiiDecision.get(decision)
    if decision is None:
        raise Invalid("请选择处理方式。")
    if not any(f.kind == kind and f.value == value for f in findings(doc)):
        raise Invalid("正文中没有该项个人信息，请刷新后重试。")
    remark = (remark or "").strip()
    if decision == PiiDecision.LAWFUL and not remark:
        raise Invalid("确认可以公开的，须写明依据或理由。", {"remark": "须写明依据或理由。"})
    resolution = PiiResolution(document_id=doc.id, version_no=doc.version_no, kind=kind, value=value,
                               decision=decision.value, remark=remark, decided_by_id=user.id)
    db.session.add(resolution)
    record(doc, user, Action.PII_RESOLVE, doc.state_enum, doc.state_enum,
           f"{PiiKind(kind).label} {mask(value)}：{decision.label}{'；' + remark if remark else ''}")
    db.session.flush()
    return resolution


def mask(value):
    """A hit as the audit trail shows it: never the whole number."""
    return value[:3] + "…" + value[-2:] if len(value) > 6 else "…"


def update_catalogue(doc, user, category_code=None, doc_number=None):
    """The office sets the 主题分类 (the 索引号 follows; its serial stays) and the 文号."""
    from .workflow import Invalid, flush_or_conflict, record
    _office_on_queue(doc, user, "登记编目信息")
    entry = doc.catalogue or assign(doc)
    changes = []
    if category_code and category_code != entry.category_code:
        if category_name(category_code) is None:
            raise Invalid("请从列表中选择主题分类。", {"category": "请从列表中选择主题分类。"})
        entry.category_code, entry.category_name = category_code, category_name(category_code)
        entry.index_no = format_index(entry.org_code, category_code, entry.year, entry.serial)
        changes.append(f"主题分类：{entry.category_name}（索引号 {entry.index_no}）")
    doc_number = (doc_number or "").strip()
    if doc_number and doc_number != (doc.doc_number or ""):
        if len(doc_number) > 64:
            raise Invalid("文号不能超过64个字。", {"doc_number": "文号不能超过64个字。"})
        doc.doc_number = doc_number
        changes.append(f"文号：{doc_number}")
    if changes:
        record(doc, user, Action.CATALOGUE_EDIT, doc.state_enum, doc.state_enum, "；".join(changes))
        flush_or_conflict(doc)
    return entry


# --- what the catalogue shows and exports ----------------------------------------------------------
def entry_dict(doc, with_body=False):
    """One document's catalogue record, as the feed and the exports give it (see README)."""
    entry = doc.catalogue
    published = doc.state == State.PUBLISHED.value
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
        "channel": Channel(doc.published_channel).label if published and doc.published_channel else None,
        "url": doc.published_url if published else None,
        "validity": VALID,
        "disclosure": Disclosure.PROACTIVE.label,
        "annotation": ANNOTATION_PROACTIVE,
        "state": doc.state,
        "state_label": doc.state_enum.label,
    }
    if with_body:
        data["body_html"] = entry.published_body_html if (entry and published) else None
    return data
