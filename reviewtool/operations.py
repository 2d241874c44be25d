"""The acts outside the transition table, one function each (Indico's operations.py): take the
actor, check with the predicates of ``permissions``, validate, act, write the Event, flush.
The view commits once.  ``actor=None`` is a command run on the server (``flask …``)."""
import re
from pathlib import PurePath

from flask import current_app
from sqlalchemy import select

from . import passwords, permissions
from .audit import changes, flush_or_conflict, record
from . import notifications, rereview
from .calendar import entry as calendar_entry
from .dates import local_today, utcnow
from .errors import Invalid, NotAllowed, WorkflowError, WrongState
from .extensions import db
from .gongwen import docx_in, docx_out, files, parts, store
from .labels import (DOCUMENT_FIELDS, Action, AttachmentKind, DayKind, Disclosure, LegalBasis,
                     PiiDecision, PiiKind, Role, State)
from .models import Attachment, Division, Document, PiiResolution, RedactionSpan, Setting, User
from .publishing import catalogue, redaction
from .sanitize import clean_body, clean_text
from .workflow import create_document


# --- 删减标注: the drafter marks what a 删减后公开 document removes ------------------------------
def _check_redaction(doc, user):
    if permissions.can_mark_redaction(doc, user):
        pass
    elif doc.state == State.CONVERT_REDACT:
        raise NotAllowed("转为删减后公开的公文由办公室标注删减内容（任何人都不能处理本人起草的公文）。")
    elif not permissions.own(doc, user):
        raise NotAllowed("只有拟稿人本人可以标注删减内容。")
    else:
        raise WrongState(f"该公文当前状态为“{doc.state.label}”，不能修改删减标注。")
    if doc.disclosure != Disclosure.REDACTED:
        raise WorkflowError("只有公开属性为“删减后公开”的公文才需标注删减内容，请先保存公开属性。")


def add_redaction_span(doc, user, text, basis):
    """Mark a piece of the body for removal; it must occur in the body, with a basis from the list."""
    _check_redaction(doc, user)
    text = redaction.normalize(text)
    errors = {}
    if not text:
        errors["text"] = "请粘贴要删除的原文。"
    elif len(text) > redaction.MAX_SPAN_CHARS:
        errors["text"] = f"删除的内容不能超过{redaction.MAX_SPAN_CHARS}个字，请分段标注。"
    elif not redaction.occurs(doc.body_html, text):
        errors["text"] = "正文中没有这段文字，请从正文中原样复制要删除的内容。"
    elif any(redaction.normalize(s.text) == text for s in doc.active_redaction_spans):
        errors["text"] = "这段文字已经标注过了。"
    chosen = LegalBasis.get(basis or "")
    if chosen not in redaction.bases():
        errors["basis"] = "请从列表中选择删减的法律依据。"
    if errors:
        raise Invalid("；".join(errors.values()), errors)
    span = RedactionSpan(document=doc, text=text, basis=chosen, created_by=user)
    db.session.add(span)
    record(Action.REDACTION_ADD, user, document=doc, from_state=doc.state, to_state=doc.state,
           after=f"{redaction.excerpt(text)}（依据：{chosen.article}）")
    flush_or_conflict(doc)
    return span


def withdraw_redaction_span(doc, user, span_id):
    """Withdraw a span (never deleted: it keeps who marked it and when, and when it was withdrawn)."""
    _check_redaction(doc, user)
    span = db.session.get(RedactionSpan, span_id)
    if span is None or span.document_id != doc.id:
        raise WorkflowError("找不到该删减标注，请刷新后重试。")
    if span.withdrawn_at is None:
        span.withdrawn_at = utcnow()
        record(Action.REDACTION_WITHDRAW, user, document=doc, from_state=doc.state,
               to_state=doc.state, before=f"{redaction.excerpt(span.text)}（依据：{span.basis.article}）")
        flush_or_conflict(doc)
    return span


# --- the office's acts on a queued document -------------------------------------------------------
def _check_queue(doc, user, what):
    if not permissions.can_work_publish_queue(doc, user):
        if not permissions.OFFICE(doc, user):
            raise NotAllowed(f"只有办公室可以{what}（任何人都不能处理本人起草的公文）。")
        raise WrongState(f"该公文当前状态为“{doc.state.label}”，不能{what}。")


def resolve_pii(doc, user, kind, value, decision, remark=""):
    """Resolve one hit: redact it, or confirm (with a remark) that it may lawfully be published."""
    _check_queue(doc, user, "处理个人信息")
    decision, kind = PiiDecision.get(decision), PiiKind.get(kind)
    if decision is None:
        raise Invalid("请选择处理方式。", {"decision": "请选择处理方式。"})
    if kind is None or not any(f.kind == kind and f.value == value for f in catalogue.findings(doc)):
        raise Invalid("正文中没有该项个人信息，请刷新后重试。")
    remark = (remark or "").strip()
    if len(remark) > 1000:
        raise Invalid(f"说明不能超过1000个字（现有{len(remark)}个字），请精简后再提交。",
                      {"remark": "说明不能超过1000个字。"})
    if decision == PiiDecision.LAWFUL and not remark:
        raise Invalid("确认可以公开的，须写明依据或理由。", {"remark": "须写明依据或理由。"})
    resolution = PiiResolution(document_id=doc.id, version_no=doc.version_no, kind=kind, value=value,
                               decision=decision, remark=remark, decided_by_id=user.id)
    db.session.add(resolution)
    record(Action.PII_RESOLVE, user, document=doc, from_state=doc.state, to_state=doc.state,
           after=f"{kind.label} {mask(value)}：{decision.label}", comment=remark)
    flush_or_conflict(doc)
    return resolution


def mask(value):
    """A hit as the audit trail shows it: never the whole number."""
    return value[:3] + "…" + value[-2:] if len(value) > 6 else "…"


def update_catalogue(doc, user, category_code=None, doc_number=None):
    """The office sets the 主题分类 (the 索引号 follows; its serial stays) and the 文号."""
    _check_queue(doc, user, "登记编目信息")
    entry = doc.catalogue or catalogue.assign(doc)
    before, after = {}, {}
    if category_code and category_code != entry.category_code:
        if catalogue.category_name(category_code) is None:
            raise Invalid("请从列表中选择主题分类。", {"category": "请从列表中选择主题分类。"})
        before["category"] = f"{entry.category_name}（{entry.index_no}）"
        catalogue.set_category(entry, category_code)
        after["category"] = f"{entry.category_name}（{entry.index_no}）"
    doc_number = (doc_number or "").strip()
    if doc_number and doc_number != (doc.doc_number or ""):
        if len(doc_number) > 64:
            raise Invalid("文号不能超过64个字。", {"doc_number": "文号不能超过64个字。"})
        number = parts.doc_number_problem(doc_number)         # 机关代字〔年份〕序号号
        if number:
            message = number[0] + (f"可改为“{number[1]}”。" if number[1] else "")
            raise Invalid(message, {"doc_number": message})
        before["doc_number"], after["doc_number"] = doc.doc_number, doc_number
        doc.doc_number = doc_number
    if after:
        old, new = changes(before, after, {"category": "主题分类", "doc_number": "文号"})
        record(Action.CATALOGUE_EDIT, user, document=doc, from_state=doc.state, to_state=doc.state,
               before=old, after=new)
        flush_or_conflict(doc)
    return entry


# --- 定期评估审查: the office's acts on a document's schedule ----------------------------------------
MAX_REVIEW_YEARS = 10


def _check_schedule(doc, user):
    if not permissions.can_schedule_re_review(doc, user):
        if not permissions.OFFICE(doc, user):
            raise NotAllowed("只有办公室可以安排定期评估审查（任何人都不能处理本人起草的公文）。")
        raise WrongState(f"该公文当前为“{doc.state.label}”"
                         f"{'、' + doc.disclosure.label if doc.disclosure else ''}，不在定期评估审查之列。")


def set_next_review(doc, user, day, remark=""):
    """The office sets the next re-review date of one document (kept until its next re-review)."""
    _check_schedule(doc, user)
    today = local_today()
    if day is None or day < today:
        raise Invalid("下次评估审查日期不能早于今天。", {"next_review_on": "下次评估审查日期不能早于今天。"})
    if day.year > today.year + MAX_REVIEW_YEARS:
        message = f"下次评估审查日期不能晚于{MAX_REVIEW_YEARS}年之后。"
        raise Invalid(message, {"next_review_on": message})
    if day == doc.next_review_on and doc.next_review_by_hand:
        return doc
    before = f"下次评估审查：{doc.next_review_on or '—'}"
    doc.next_review_on, doc.next_review_by_hand, doc.review_flag = day, True, ""
    record(Action.RE_REVIEW_DATE, user, document=doc, from_state=doc.state, to_state=doc.state,
           before=before, after=f"下次评估审查：{day}（办公室设定）", comment=(remark or "").strip())
    flush_or_conflict(doc)
    return doc


def find_document(reference):
    """A document by its number (编号) or its exact 文号; None when there is none or several."""
    reference = (reference or "").strip()
    if reference.isascii() and reference.isdigit() and len(reference) <= 9:
        return db.session.get(Document, int(reference))
    found = db.session.scalars(select(Document).where(Document.doc_number == reference).limit(2)).all()
    return found[0] if len(found) == 1 else None


def link_decision(doc, user, reference):
    """Record the decision this document prepares (过程性信息 → 决定); empty: remove the link.
    When that decision is already published, this document is due for re-review at once."""
    _check_schedule(doc, user)
    reference = (reference or "").strip()
    decision = find_document(reference) if reference else None
    if reference and (decision is None or decision.state == State.DRAFT):
        message = "找不到该公文（请输入公文编号，或完整准确的文号）。"
        raise Invalid(message, {"decision": message})
    if decision is not None and decision.id == doc.id:
        raise Invalid("公文不能关联其本身。", {"decision": "公文不能关联其本身。"})
    if (decision.id if decision else None) == doc.prepares_decision_id:
        return doc
    old = doc.prepares_decision
    doc.prepares_decision = decision
    record(Action.LINK_DECISION, user, document=doc, from_state=doc.state, to_state=doc.state,
           before=f"所准备的决定：{_doc_ref(old)}", after=f"所准备的决定：{_doc_ref(decision)}")
    flush_or_conflict(doc)
    if decision is not None and decision.state == State.PUBLISHED:
        notifications.re_review_due(rereview.flag_prepared(decision, user))
        flush_or_conflict(doc)
    return doc


def _doc_ref(doc):
    return f"《{doc.title}》（编号{doc.id}）" if doc is not None else "—"


# --- the admin's acts -------------------------------------------------------------------------------
def _check_admin(actor):
    if actor is not None and not permissions.is_admin(actor):
        raise NotAllowed("只有系统管理员可以执行该操作。")


def set_setting(actor, key, value, label):
    _check_admin(actor)
    row = db.session.get(Setting, key) or Setting(key=key, value="")
    if row.value == value:
        return row
    record(Action.SETTING_CHANGE, actor, subject=f"setting:{key}", before=f"{label}：{row.value or '—'}",
           after=f"{label}：{value}")
    row.value, row.updated_by_id = value, actor.id if actor else None
    db.session.add(row)
    db.session.flush()
    return row


def save_re_review_period(actor, months):
    """The admin's re-review period; every date not set by hand follows it at once."""
    if not (isinstance(months, int) and months in rereview.PERIOD_RANGE):
        message = (f"评估审查周期须为{rereview.PERIOD_RANGE[0]}至{rereview.PERIOD_RANGE[-1]}"
                   "之间的整月数。")
        raise Invalid(message, {"months": message})
    if months == rereview.period_months():
        return 0
    set_setting(actor, rereview.PERIOD_KEY, str(months), "定期评估审查周期（月）")
    return rereview.reschedule_all()


def set_org_code(actor, value):
    value = (value or "").strip()
    if not re.fullmatch(r"[0-9A-Za-z]{1,40}", value):
        raise Invalid("机构代码只能由字母和数字组成（不超过40位）。", {"org_code": "机构代码只能由字母和数字组成（不超过40位）。"})
    return set_setting(actor, catalogue.ORG_CODE_KEY, value, "机构代码")


USER_FIELDS = {"username": "用户名", "name": "姓名", "role": "角色", "division": "所在科室",
               "leads": "分管科室", "active": "状态", "email": "电子邮箱"}


def _describe(user):
    return {"username": user.username, "name": user.name,
            "role": Role(user.role).label if user.role else "",
            "division": user.division.name if user.division else "",
            "leads": "、".join(d.name for d in user.led_divisions),
            "active": "启用" if user.active else "停用", "email": user.email or ""}


def save_user(actor, user, *, username, name, role, division_id=None, led_division_ids=(),
              active=True, password=None, email=None):
    """Create or change a user.  A division head leads at least one division; a drafter works in
    one.  Every change (and a password set or reset) is an Event."""
    _check_admin(actor)
    problems = {}
    role = Role.get(role)
    if role is None:
        problems["role"] = "请选择角色。"
    if db.session.scalar(select(User.id).where(User.username == username, User.id != user.id)):
        problems["username"] = "该用户名已被使用。"
    division = db.session.get(Division, division_id) if division_id else None
    led = (db.session.scalars(select(Division).where(Division.id.in_(list(led_division_ids))))
           .all() if led_division_ids else [])
    if role == Role.DRAFTER and division is None:
        problems["division_id"] = "拟稿人须选择所在科室。"
    if role == Role.DIVISION_HEAD and not led:
        problems["led_division_ids"] = "分管领导须选择至少一个分管科室。"
    if user.id is None and not password:
        problems["password"] = "新用户须设置初始密码。"
    elif password and passwords.problem(password, username):
        problems["password"] = passwords.problem(password, username)
    if problems:
        raise Invalid("；".join(problems.values()), problems)
    before = _describe(user) if user.id else {}
    deactivated = bool(before) and user.active and not active
    user.username, user.name, user.role = username, name, role
    user.division = division
    user.led_divisions = led if role == Role.DIVISION_HEAD else []
    user.active = bool(active)
    user.email = (email or "").strip() or None
    if password:
        user.set_password(password)
    if before and (password or deactivated):        # a reset or a deactivation ends their sessions
        user.end_sessions()
    db.session.add(user)
    db.session.flush()
    old, new = changes(before, _describe(user), USER_FIELDS)
    if password and before:
        new = f"{new}；重设密码" if new else "重设密码"
    if before and (password or deactivated):
        new += "；已结束其全部登录会话"
    if new or not before:
        record(Action.USER_UPDATE if before else Action.USER_CREATE, actor, subject=f"user:{user.id}",
               before=old, after=new)
    db.session.flush()
    return user


def create_division(actor, name):
    _check_admin(actor)
    name = (name or "").strip()
    if not name:
        raise Invalid("请填写科室名称。", {"name": "请填写科室名称。"})
    if db.session.scalar(select(Division.id).filter_by(name=name)):
        raise Invalid("已有同名科室。", {"name": "已有同名科室。"})
    division = Division(name=name)
    db.session.add(division)
    db.session.flush()
    record(Action.DIVISION_CREATE, actor, subject=f"division:{division.id}", after=name)
    return division


def save_calendar_year(actor, year, entries, *, maintained, note="", source=""):
    """A new version of the year's holidays (None when nothing changed), audited."""
    _check_admin(actor)
    current = calendar_entry.current_version(year)
    saved = calendar_entry.save_year(year, entries, maintained=maintained, note=note, user=actor,
                                     source=source)
    if saved is not None:
        holidays = sum(1 for e in entries if e.kind == DayKind.HOLIDAY)
        before = (f"版本#{current.id}：{len(current.days)}天"
                  f"{'，已维护' if current.maintained else ''}") if current else ""
        record(Action.CALENDAR_SAVE, actor, subject=f"calendar:{year}", before=before,
               after=f"版本#{saved.id}：放假{holidays}天，调休上班{len(entries) - holidays}天"
                     f"{'，已维护' if saved.maintained else ''}", comment=source)
    return saved


# --- security (issue 8): sessions, passwords, lockouts --------------------------------------------
def end_sessions(actor, user):
    """全部下线: every session of ``user`` ends (on every device), by the admin."""
    _check_admin(actor)
    user.end_sessions()
    record(Action.SESSIONS_END, actor, subject=f"user:{user.id}", after=f"{user.name}（{user.username}）")
    db.session.flush()


def log_out(user):
    """Logout ends every session of the user, this one included: a copied cookie dies with it."""
    user.end_sessions()
    record(Action.LOGOUT, user, subject=f"user:{user.id}")
    db.session.flush()


def change_password(user, old, new, repeated):
    """The user's own 修改密码: the old password, the new one twice, the policy.  Ends the user's
    other sessions (the caller signs this one in again with the new epoch)."""
    problems = {}
    if not user.check_password(old or ""):
        problems["old_password"] = "原密码不正确。"
    elif new != repeated:
        problems["new_password2"] = "两次输入的新密码不一致。"
    elif new == old:
        problems["new_password"] = "新密码不能与原密码相同。"
    else:
        bad = passwords.problem(new, user.username)
        if bad:
            problems["new_password"] = bad
    if problems:
        raise Invalid("；".join(problems.values()), problems)
    user.set_password(new)
    user.end_sessions()
    record(Action.PASSWORD_CHANGE, user, subject=f"user:{user.id}", after="已修改密码；其他登录会话已结束")
    db.session.flush()


def record_lockout(what, value, until, address):
    """One Event when a login throttle locks: ``what`` is "account" or "address"."""
    if what == "account":
        user = db.session.scalar(select(User).filter_by(username=value))
        subject = f"user:{user.id}" if user is not None else f"login:{value}"[:60]
        detail = f"账号 {value}"
    else:
        subject, detail = f"address:{value}"[:60], f"来源地址 {value}"
    record(Action.LOGIN_LOCKOUT, None, subject=subject,
           after=f"{detail}：登录失败次数过多，锁定至 {until}",
           comment=f"来源地址 {address}")
    db.session.flush()


# --- 公文: the Word import and the files kept with a document (附件) ----------------------------------
def docx_limits():
    config = current_app.config
    return docx_in.Limits(max_bytes=config["DOCX_IMPORT_MAX_BYTES"],
                          max_unpacked=config["DOCX_MAX_UNPACKED_BYTES"],
                          max_ratio=config["DOCX_MAX_RATIO"])


def _check_files(doc, user):
    if not permissions.own(doc, user):
        raise NotAllowed("只有拟稿人本人可以导入文件或管理附件。")
    if not permissions.can_attach(doc, user):
        raise WrongState(f"该公文当前状态为“{doc.state.label}”，附件和正文不能再修改"
                         "（已提交版本的附件随版本固定）。")


def _keep(doc, user, kind, data, filename, text=None):
    """Store a file and its row (the caller audits)."""
    att = Attachment(document=doc, kind=kind, filename=filename, content_type=store.content_type(filename),
                     size=len(data), sha256=store.save(data), text=text, publish=False, created_by=user)
    db.session.add(att)
    return att


def _size(n):
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / (1024 * 1024):.1f} MB"


def add_attachment(doc, user, data, filename):
    """Attach a file (附件) to a draft: type, size and content checked, stored under its SHA-256,
    the text of a .docx kept for the personal-data scan."""
    _check_files(doc, user)
    config = current_app.config
    if len(files.annexes(doc)) >= config["ATTACHMENTS_PER_DOCUMENT"]:
        message = f"每件公文最多{config['ATTACHMENTS_PER_DOCUMENT']}个附件。"
        raise Invalid(message, {"file": message})
    try:
        name = store.check_upload(data, filename, config["ATTACHMENT_EXTENSIONS"],
                                  config["ATTACHMENT_MAX_BYTES"], docx_limits())
    except docx_in.BadFile as error:
        raise Invalid(error.message, {"file": error.message}) from None
    text = None
    if store.extension(name) == "docx":
        text = docx_in.text_of(data, docx_limits())
    elif store.extension(name) == "txt":
        text = data.decode("utf-8", errors="replace")
    att = _keep(doc, user, AttachmentKind.ANNEX, data, name, text)
    db.session.flush()
    record(Action.ATTACHMENT_ADD, user, document=doc, from_state=doc.state, to_state=doc.state,
           after=f"{name}（{_size(att.size)}，SHA-256 {att.sha256}）")
    flush_or_conflict(doc)
    return att


def _own_attachment(doc, att_id):
    att = db.session.get(Attachment, att_id)
    if att is None or att.document_id != doc.id:
        raise WorkflowError("找不到该附件，请刷新后重试。")
    return att


def remove_attachment(doc, user, att_id):
    """Take a 附件 (or an imported original) off a draft: never deleted — marked removed, audited;
    versions already submitted keep it."""
    _check_files(doc, user)
    att = _own_attachment(doc, att_id)
    if att.kind == AttachmentKind.IMAGE:
        raise WorkflowError("正文中的图片随正文修改，不能单独移除。")
    if att.removed_at is None:
        att.removed_at, att.removed_by = utcnow(), user
        record(Action.ATTACHMENT_REMOVE, user, document=doc, from_state=doc.state, to_state=doc.state,
               before=f"{att.kind.label}：{att.filename}")
        flush_or_conflict(doc)
    return att


def set_attachment_published(doc, user, att_id, publish):
    """删减后公开: whether one 附件 may be published with the redacted text (by default it is not)."""
    if not permissions.own(doc, user):
        raise NotAllowed("只有拟稿人本人可以确认附件是否公开。")
    if not permissions.can_choose_published_attachments(doc, user):
        raise WrongState(f"该公文当前状态为“{doc.state.label}”，不能修改附件是否公开。")
    if doc.disclosure != Disclosure.REDACTED:
        raise WorkflowError("只有删减后公开的公文需要逐个确认附件是否公开；主动公开的公文，附件随公文公开。")
    att = _own_attachment(doc, att_id)
    if att.kind != AttachmentKind.ANNEX or att.removed_at is not None:
        raise WorkflowError("找不到该附件，请刷新后重试。")
    publish = bool(publish)
    if att.publish != publish:
        att.publish = publish
        record(Action.ATTACHMENT_PUBLISH, user, document=doc, from_state=doc.state, to_state=doc.state,
               after=f"{att.filename}：{'可以公开' if publish else '不公开'}")
        flush_or_conflict(doc)
    return att


# The parts of an imported 公文 and the fields that hold them, as the form shows them.
IMPORTED_TEXT_FIELDS = ("issuer_mark", "doc_number", "signer", "title", "main_recipients",
                        "attachment_note", "signature", "note", "cc", "printed_by")


def import_word(user, data, filename, doc=None, keep=None):
    """A Word file in.  For a new document (``doc`` None): a draft made from its parts.  For a
    draft: its parts for the form to show (not saved until the drafter saves).  Either way the
    original file, the body's images and the 附件 pages after the date (each made a .docx 附件)
    are kept with the document.  ``keep``: fields the drafter already chose (the disclosure
    review) that a new draft takes as they are.  Returns (doc, fields, imported)."""
    new = doc is None
    if not new:
        _check_files(doc, user)
    limits = docx_limits()
    name = store.clean_filename(filename) or "导入文件.docx"
    try:
        imported = docx_in.read(data, name, limits)
    except docx_in.BadFile as error:
        raise Invalid(error.message, {"source_file": error.message}) from None
    fields = {k: clean_text(v) if k in IMPORTED_TEXT_FIELDS else v for k, v in imported.fields.items()
              if k in IMPORTED_TEXT_FIELDS or k in ("signed_on", "printed_on", "disclosure")}
    fields["title"] = fields.get("title") or PurePath(name).stem[:200]
    if new:
        content = {k: v for k, v in fields.items() if k != "disclosure"}
        if fields.get("signed_on"):
            content["signed_on_by_hand"] = True           # a date typed in the file: keep it
        tagging = dict(keep or {})
        if not tagging.get("disclosure") and fields.get("disclosure"):
            tagging["disclosure"] = fields["disclosure"]
        doc = create_document(user, body_html="", **content, **tagging)
    placed = {}
    for index, image in enumerate(imported.images, start=1):
        ext = (image.content_type.split("/")[-1] or "bin").replace("jpeg", "jpg").replace("x-", "")
        att = _keep(doc, user, AttachmentKind.IMAGE, image.data, f"{PurePath(name).stem}-图{index}.{ext}")
        db.session.flush()
        placed[image.key] = att.url if image.content_type in store.INLINE_IMAGES else None
    body = clean_body(docx_in.place_images(imported.body_html, placed))
    fields["body_html"] = body
    source = _keep(doc, user, AttachmentKind.SOURCE, data, name)
    load = files.image_loader(doc)
    made = []
    for appendix in imported.appendices:
        appendix_html = clean_body(docx_in.place_images(appendix.html, placed))
        data_out = docx_out.appendix(appendix.title, appendix_html, load)
        made.append(_keep(doc, user, AttachmentKind.ANNEX, data_out,
                          store.clean_filename(f"{appendix.title[:100]}.docx"),
                          docx_in.text_of(data_out, limits)))
    if new:
        doc.body_html = body
    db.session.flush()
    found = "、".join(DOCUMENT_FIELDS.get(k, "公开属性") if k != "disclosure" else "公开属性（附注）"
                     for k in imported.recognized)
    record(Action.IMPORT_DOCX, user, document=doc, from_state=doc.state, to_state=doc.state,
           after=(f"{name}（SHA-256 {source.sha256}）：识别出{found or '（无）'}；"
                  f"图片{len(imported.images)}幅；附件页{len(made)}个"
                  + ("" if new else "（待拟稿人核对后保存）")))
    flush_or_conflict(doc)
    return doc, fields, imported
