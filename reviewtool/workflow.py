"""The document workflow: states, transitions, who may take each, and their checks.

This module is the one place the rules live.  Views call :func:`perform` (or the
helpers built on it); templates ask :func:`allowed_actions` which buttons to show.
No Flask request objects are used here, so the rules can be tested and reused
from CLI commands alike.

    draft ──submit──▶ office_check ──office_pass──▶ division_review ──division_sign_off──▶
    principal_review ──principal_sign_off──▶ publish_queue (主动公开) ──mark_published──▶ published
                                         └──────────▶ archived (依申请/删减后/不予公开)
    office_check ──return_to_drafter──▶ returned ;  division/principal_review ──send_back──▶ returned
    returned ──submit──▶ office_check (the path starts over, as a new version)
"""
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy.orm.exc import StaleDataError

from .extensions import db
from .labels import (BOILERPLATE_REASONS, MIN_REASON_CHARS, Action, Channel, Disclosure,
                     LegalBasis, Role, State)
from .models import DocumentVersion, Event, local_today, utcnow
from . import catalogue, redaction


# --- errors: each carries a Chinese message and the HTTP status a view should answer with ----
class WorkflowError(Exception):
    status = 400

    def __init__(self, message, problems=None):
        super().__init__(message)
        self.message = message
        self.problems = problems or {}


class NotAllowed(WorkflowError):
    status = 403


class WrongState(WorkflowError):
    status = 409


class Invalid(WorkflowError):
    status = 422


class Conflict(WorkflowError):
    status = 409


# --- who is who -----------------------------------------------------------------------------
def is_drafter_of(doc, user):
    return user.has_role(Role.DRAFTER) and doc.drafter_id == user.id


def is_office(doc, user):
    return user.has_role(Role.OFFICE)


def leads_division_of(doc, user):
    return user.leads(doc.division_id) and doc.drafter_id != user.id


def is_principal(doc, user):
    return user.has_role(Role.PRINCIPAL) and doc.drafter_id != user.id


# --- the checks -----------------------------------------------------------------------------
def is_boilerplate(text):
    stripped = "".join(ch for ch in (text or "") if ch.isalnum())
    return stripped in BOILERPLATE_REASONS or len(stripped) < MIN_REASON_CHARS


def disclosure_problems(doc):
    """What keeps this document's disclosure tagging from being lawful, by form field.

    Empty when the attribute, the channel (where one is needed) and, for every
    attribute but proactive, a legal basis that fits plus a real explanation are there.
    The same rule decides the drafter's submit, the office's flags and its bulk return.
    """
    problems = {}
    disclosure = doc.disclosure_enum
    if disclosure is None:
        problems["disclosure"] = "未标注公开属性。"
        return problems
    if disclosure.needs_channel and not doc.channel_list:
        problems["channels"] = f"{disclosure.label}的公文须选择至少一种公开方式。"
    if disclosure.needs_reason:
        basis = doc.basis_enum
        if basis is None:
            problems["legal_basis"] = f"{disclosure.label}须选择法律依据。"
        elif basis not in LegalBasis.for_disclosure(disclosure):
            problems["legal_basis"] = f"“{basis.full_label}”不能作为{disclosure.label}的依据。"
        if not (doc.reason_text or "").strip():
            problems["reason_text"] = f"{disclosure.label}须写明理由。"
        elif is_boilerplate(doc.reason_text):
            problems["reason_text"] = (f"理由过于笼统，请结合公文内容具体说明"
                                       f"（不少于{MIN_REASON_CHARS}个字）。")
    problems.update(redaction.problems(doc))         # 删减后公开: at least one span, all still found
    return problems


def content_problems(doc):
    problems = {}
    if not (doc.title or "").strip():
        problems["title"] = "请填写标题。"
    if not (doc.body_html or "").strip():
        problems["body_html"] = "请填写正文。"
    return problems


def post_hoc_open(doc):
    """An urgent document sent up before its disclosure review was complete, review not yet signed off."""
    return bool(doc.post_hoc_from) and doc.post_hoc_done_at is None


def submit_problems(doc):
    """Everything must be there, except that an urgent document may go up with its review pending."""
    if doc.is_urgent:
        return content_problems(doc)
    return {**content_problems(doc), **disclosure_problems(doc)}


def office_pass_problems(doc):
    problems = disclosure_problems(doc)
    if problems and not post_hoc_open(doc):
        return {"_": "按规定，没有明确公开属性、公开方式或没有依法说明不公开理由的公文，应予退文："
                     + "".join(problems.values())}
    return {}


def sign_off_problems(doc):
    """Leaders sign off a document with a complete review; an urgent one may pass with its review
    still owed (it then waits in review_pending), but the review itself needs it complete."""
    problems = disclosure_problems(doc)
    urgent_first_pass = post_hoc_open(doc) and doc.state_enum in (State.DIVISION_REVIEW,
                                                                    State.PRINCIPAL_REVIEW)
    if problems and not urgent_first_pass:
        return {"_": "公开属性审查未完成，不能签发：" + "".join(problems.values())}
    return {}


def office_or_drafter(doc, user):
    return is_office(doc, user) or is_drafter_of(doc, user)


def interpretation_problems(doc):
    if not (doc.interpretation_html or "").strip():
        return {"_": "该公文没有解读材料。"}
    if doc.interpretation_published_on:
        return {"_": f"解读材料已于{doc.interpretation_published_on}登记发布。"}
    return {}


def approved_destination(doc):
    """Signed off: queued for publishing, archived, or — review unfinished — waiting for it.
    An urgent document never reaches the queue or the archive before its review is signed off."""
    if disclosure_problems(doc):
        return State.REVIEW_PENDING
    if doc.disclosure == Disclosure.PROACTIVE.value:
        return State.PUBLISH_QUEUE
    return State.ARCHIVED


# --- the table --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset
    target: object                       # a State, or a callable(doc) -> State
    who: Callable                        # (doc, user) -> bool
    who_label: str
    needs_comment: bool = False
    check: Callable = field(default=lambda doc: {})

    def destination(self, doc):
        return self.target(doc) if callable(self.target) else self.target


TRANSITIONS = [
    Transition(Action.SUBMIT, frozenset({State.DRAFT, State.RETURNED}), State.OFFICE_CHECK,
               is_drafter_of, "本公文的拟稿人", check=submit_problems),
    Transition(Action.OFFICE_PASS, frozenset({State.OFFICE_CHECK}), State.DIVISION_REVIEW,
               is_office, "办公室", check=office_pass_problems),
    Transition(Action.RETURN_TO_DRAFTER, frozenset({State.OFFICE_CHECK}), State.RETURNED,
               is_office, "办公室", needs_comment=True),
    Transition(Action.DIVISION_SIGN_OFF, frozenset({State.DIVISION_REVIEW}),
               State.PRINCIPAL_REVIEW, leads_division_of, "分管该科室的领导",
               check=sign_off_problems),
    Transition(Action.SEND_BACK, frozenset({State.DIVISION_REVIEW}), State.RETURNED,
               leads_division_of, "分管该科室的领导", needs_comment=True),
    Transition(Action.PRINCIPAL_SIGN_OFF, frozenset({State.PRINCIPAL_REVIEW}),
               approved_destination, is_principal, "主要负责人", check=sign_off_problems),
    Transition(Action.SEND_BACK, frozenset({State.PRINCIPAL_REVIEW}), State.RETURNED,
               is_principal, "主要负责人", needs_comment=True),
    Transition(Action.MARK_PUBLISHED, frozenset({State.PUBLISH_QUEUE}), State.PUBLISHED,
               is_office, "办公室", check=catalogue.publish_problems),
    # 三同步: interpretation material, signed off with its document, is published after it.
    Transition(Action.MARK_INTERPRETATION_PUBLISHED, frozenset({State.PUBLISHED}), State.PUBLISHED,
               office_or_drafter, "办公室或拟稿人", check=interpretation_problems),
    # 保密审查 before publishing: passed, the document stays queued; failed, back to the drafter.
    Transition(Action.CONFIDENTIALITY_PASS, frozenset({State.PUBLISH_QUEUE}), State.PUBLISH_QUEUE,
               is_office, "办公室"),
    Transition(Action.CONFIDENTIALITY_FAIL, frozenset({State.PUBLISH_QUEUE}), State.RETURNED,
               is_office, "办公室", needs_comment=True),
    # The urgent path's post-hoc disclosure review: drafter, then division head, then principal.
    Transition(Action.SUBMIT_REVIEW, frozenset({State.REVIEW_PENDING}), State.REVIEW_DIVISION,
               is_drafter_of, "本公文的拟稿人", check=disclosure_problems),
    Transition(Action.DIVISION_SIGN_OFF, frozenset({State.REVIEW_DIVISION}),
               State.REVIEW_PRINCIPAL, leads_division_of, "分管该科室的领导",
               check=sign_off_problems),
    Transition(Action.SEND_BACK, frozenset({State.REVIEW_DIVISION}), State.REVIEW_PENDING,
               leads_division_of, "分管该科室的领导", needs_comment=True),
    Transition(Action.PRINCIPAL_SIGN_OFF, frozenset({State.REVIEW_PRINCIPAL}),
               approved_destination, is_principal, "主要负责人", check=sign_off_problems),
    Transition(Action.SEND_BACK, frozenset({State.REVIEW_PRINCIPAL}), State.REVIEW_PENDING,
               is_principal, "主要负责人", needs_comment=True),
]



def transition_for(doc, action):
    for t in TRANSITIONS:
        if t.action == action and doc.state_enum in t.sources:
            return t
    return None


def allowed(doc, action, user):
    t = transition_for(doc, Action(action))
    return bool(t and user.is_authenticated and t.who(doc, user))


def allowed_actions(doc, user):
    return [t.action for t in TRANSITIONS
            if doc.state_enum in t.sources and user.is_authenticated and t.who(doc, user)]


def can_view(doc, user):
    if not user.is_authenticated:
        return False
    if user.has_role(Role.DRAFTER):
        return doc.drafter_id == user.id or (
            doc.division_id == user.division_id and doc.state != State.DRAFT.value)
    if doc.state == State.DRAFT.value:
        return False
    if user.has_role(Role.DIVISION_HEAD):
        return user.leads(doc.division_id)
    return user.has_role(Role.PRINCIPAL) or user.has_role(Role.OFFICE)


def can_edit(doc, user):
    return is_drafter_of(doc, user) and doc.state_enum in EDITABLE


# What the drafter may change in each editable state: a signed-off urgent document only its review.
CONTENT_FIELDS = ("title", "doc_number", "body_html", "is_urgent", "is_decision", "decision_date",
                  "interpretation_html")
DISCLOSURE_FIELDS = ("channels", "disclosure", "legal_basis", "reason_text")
EDITABLE = {
    State.DRAFT: CONTENT_FIELDS + DISCLOSURE_FIELDS,
    State.RETURNED: CONTENT_FIELDS + DISCLOSURE_FIELDS,
    State.REVIEW_PENDING: DISCLOSURE_FIELDS,
}


def editable_fields(doc):
    return EDITABLE.get(doc.state_enum, ())


# --- acting ------------------------------------------------------------------------------------
def record(doc, user, action, from_state, to_state, comment=""):
    event = Event(document=doc, actor=user, action=action.value,
                  from_state=from_state.value if from_state else None,
                  to_state=to_state.value, comment=comment, version_no=doc.version_no)
    db.session.add(event)
    return event


def perform(doc, action, user, comment="", **data):
    """Take ``action`` on ``doc`` as ``user``: check who, state, comment and rule; act; audit.

    Raises a :class:`WorkflowError` and changes nothing when any check fails.
    The caller commits.
    """
    action = Action(action)
    comment = (comment or "").strip()
    t = transition_for(doc, action)
    if t is None:
        if any(r.action == action and r.who(doc, user) for r in TRANSITIONS):
            raise WrongState(f"该公文当前状态为“{doc.state_enum.label}”，不能{action.label}。")
        raise NotAllowed(f"您无权对该公文执行“{action.label}”。")
    if not t.who(doc, user):
        if doc.drafter_id == user.id and action != Action.SUBMIT:
            raise NotAllowed(f"拟稿人不能对本人起草的公文执行“{action.label}”。")
        raise NotAllowed(f"只有{t.who_label}可以执行“{action.label}”。")
    if t.needs_comment and not comment:
        raise Invalid(f"{action.label}须填写意见。", {"comment": f"{action.label}须填写意见。"})
    problems = t.check(doc)
    if problems:
        raise Invalid("；".join(problems.values()), problems)

    from_state, to_state = doc.state_enum, t.destination(doc)
    start_clocks(doc, action, to_state)
    if action in (Action.SUBMIT, Action.SUBMIT_REVIEW):
        doc.version_no += 1
        doc.submitted_at = utcnow()
        db.session.add(DocumentVersion.snapshot(doc, doc.version_no, user))
    elif action == Action.PRINCIPAL_SIGN_OFF:
        doc.approved_at = utcnow()
    elif action == Action.MARK_INTERPRETATION_PUBLISHED:
        doc.interpretation_published_on = data["published_on"]
        doc.interpretation_url = data.get("url") or None
        detail = f"解读材料 {data['published_on']:%Y-%m-%d} 发布于{Channel(data['channel']).label}"
        comment = f"{detail}；{comment}" if comment else detail
    elif action == Action.MARK_PUBLISHED:
        doc.published_on = data["published_on"]
        doc.published_channel = Channel(data["channel"]).value
        doc.published_url = data.get("url") or None
        detail = f"{doc.published_on:%Y-%m-%d} 发布于{Channel(data['channel']).label}"
        comment = f"{detail}；{comment}" if comment else detail
    doc.state = to_state.value
    event = record(doc, user, action, from_state, to_state, comment)
    flush_or_conflict(doc)
    catalogue.after_transition(doc, action, user, from_state, to_state, comment)
    return event


def start_clocks(doc, action, to_state):
    """Start or stop the deadline clocks this transition touches (deadlines.py reads them)."""
    today = local_today()
    if action == Action.SUBMIT:
        if doc.version_no >= 1:                      # resubmitted: the document was changed
            doc.publish_clock_from = today
        if doc.is_urgent and disclosure_problems(doc):
            doc.post_hoc_from, doc.post_hoc_done_at = today, None
    if to_state == State.RETURNED:                   # back to the division, to be changed and re-sent
        doc.office_clock_from = today
    if to_state in (State.PUBLISH_QUEUE, State.ARCHIVED) and doc.post_hoc_from:
        doc.post_hoc_done_at = utcnow()


def flush_or_conflict(doc):
    """Write now, so that a concurrent writer who got there first makes this one fail cleanly."""
    doc_id = doc.id
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(handled_by_message(doc_id))


def handled_by_message(doc_id):
    last = (db.session.query(Event).filter_by(document_id=doc_id)
            .order_by(Event.id.desc()).first())
    if last is None:
        return "该公文已被他人修改，请刷新后重试。"
    return (f"该公文已由{last.actor.name}于{last.at:%Y-%m-%d %H:%M}处理"
            f"（{last.action_label}），请刷新后查看。")


def return_all_untagged(user, comment=""):
    """The office's one-click 退文 of every document in its queue that breaks the tagging rule."""
    from .models import Document
    returned = []
    queue = (db.session.query(Document).filter_by(state=State.OFFICE_CHECK.value)
             .order_by(Document.id).all())
    for doc in queue:
        problems = disclosure_problems(doc)
        if not problems or post_hoc_open(doc):       # an urgent document may go up first
            continue
        note = "退文：" + "".join(problems.values())
        perform(doc, Action.RETURN_TO_DRAFTER, user, f"{note}{comment and ' ' + comment}")
        returned.append(doc)
    return returned


def create_document(user, **fields):
    from .models import Document
    if not user.has_role(Role.DRAFTER) or user.division_id is None:
        raise NotAllowed("只有所属科室的拟稿人可以起草公文。")
    today = local_today()
    doc = Document(drafter=user, division_id=user.division_id, state=State.DRAFT.value,
                   office_clock_from=today, publish_clock_from=today, **fields)
    db.session.add(doc)
    db.session.flush()
    record(doc, user, Action.CREATE, None, State.DRAFT)
    return doc


def save_draft(doc, user, **fields):
    """Save what the drafter may change in this state; other fields are left as they are."""
    if not can_edit(doc, user):
        if doc.drafter_id != user.id:
            raise NotAllowed("只有拟稿人本人可以修改该公文。")
        raise WrongState(f"该公文当前状态为“{doc.state_enum.label}”，不能修改。")
    allowed_fields = editable_fields(doc)
    for name, value in fields.items():
        if name in allowed_fields:
            setattr(doc, name, value)
    flush_or_conflict(doc)
    return doc
