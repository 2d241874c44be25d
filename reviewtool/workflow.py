"""The document workflow: the transition table and :func:`perform`, the one way a document moves.

Each row of ``TRANSITIONS`` says, for one action from some states: where the document goes, who
may take the step (a predicate of ``permissions``), whether a comment is required, the checks
that must pass (``rules``) and the effects the step has besides the state change (a version
snapshot, the approval stamp, the catalogue entry, a publication record, the deadline clocks).
:func:`perform` reads the row, refuses with a domain error (``errors``) and changes nothing
when a check fails, otherwise acts and writes the Event.  Views call it; templates ask
:func:`allowed_actions` which buttons to show.  No Flask request objects are used here.
"""
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import select

from . import notifications, rereview
from . import permissions as who
from .audit import flush_or_conflict, last_act, lock_chain, record
from .dates import local_today, utcnow
from .errors import Invalid, NotAllowed, WrongState
from .extensions import db
from .gongwen import files
from .labels import (DOCUMENT_FIELDS, Action, Channel, ConversionResult, Disclosure, LegalBasis,
                     ReviewOutcome, Role, State)
from .models import Document, DocumentVersion, ReReview
from .permissions import can_edit, editable_fields
from .publishing import catalogue
from .rules import (approved_destination, disclosure_problems, interpretation_problems,
                    must_return, office_pass_problems, sign_off_problems, submit_problems)


@dataclass
class Act:
    """One step being taken: what the effects of a transition read and amend."""
    doc: Document
    user: object
    action: Action
    from_state: State
    to_state: State
    comment: str
    data: dict
    before: str = ""          # what the step changed besides the state, as the Event records it
    after: str = ""


# --- effects: what a step does besides moving the document --------------------------------------
def restart_publish_clock_if_changed(act):
    """A resubmitted document was changed: its publish clock starts again."""
    if act.doc.version_no >= 1:
        act.doc.publish_clock_from = local_today()


def open_post_hoc_review(act):
    """An urgent document going up before its disclosure review is complete owes it in 3 days."""
    if act.doc.is_urgent and disclosure_problems(act.doc):
        act.doc.post_hoc_from, act.doc.post_hoc_done_at = local_today(), None


def snapshot_version(act):
    """The document as submitted, its attachments (附件 in 附件说明 order) frozen with it."""
    act.doc.version_no += 1
    act.doc.submitted_at = utcnow()
    version = DocumentVersion.snapshot(act.doc, act.doc.version_no, act.user)
    db.session.add(version)
    files.freeze(act.doc, version)


def restart_office_clock(act):
    """Back to the division to be changed and re-sent: the 10-day clock starts again."""
    act.doc.office_clock_from = local_today()


def stamp_approval(act):
    """Signed: the approval time, and the 成文日期 unless it was entered for a document signed
    outside the tool."""
    act.doc.approved_at = utcnow()
    if not act.doc.signed_on_by_hand or act.doc.signed_on is None:
        act.doc.signed_on = local_today()


def stamp_signer(act):
    """签发人: the principal who signs the document (not a later sign-off of its disclosure review
    alone), unless the drafter entered the one who signed it outside the tool."""
    if act.from_state == State.PRINCIPAL_REVIEW and not (act.doc.signed_on_by_hand and act.doc.signer):
        act.doc.signer = act.user.name


def close_post_hoc_review(act):
    if act.to_state in (State.PUBLISH_QUEUE, State.ARCHIVED) and act.doc.post_hoc_from:
        act.doc.post_hoc_done_at = utcnow()


def enter_publish_queue(act):
    """A document entering the publishing queue gets its catalogue entry (索引号)."""
    if act.to_state == State.PUBLISH_QUEUE:
        catalogue.assign(act.doc)


def _publication_detail(act):
    detail = f"{act.data['published_on']:%Y-%m-%d} 发布于{Channel(act.data['channel']).label}"
    act.comment = f"{detail}；{act.comment}" if act.comment else detail


def record_publication(act):
    act.doc.published_on = act.data["published_on"]
    act.doc.published_channel = Channel(act.data["channel"])
    act.doc.published_url = act.data.get("url") or None
    _publication_detail(act)


def freeze_published_text(act):
    catalogue.freeze_published_text(act.doc)


def record_interpretation_publication(act):
    act.doc.interpretation_published_on = act.data["published_on"]
    act.doc.interpretation_url = act.data.get("url") or None
    _publication_detail(act)
    act.comment = "解读材料 " + act.comment


def record_confidentiality_check(act):
    catalogue.record_check(act.doc, act.user, passed=act.action == Action.CONFIDENTIALITY_PASS,
                           remark=act.comment)


# --- effects of the office's year: periodic re-review (定期评估审查) and its conversions ----------
def schedule_re_review(act):
    """Signed off and not (fully) disclosed: the first re-review falls one period after sign-off."""
    if act.to_state in (State.ARCHIVED, State.PUBLISH_QUEUE) and rereview.is_re_reviewed(act.doc):
        rereview.schedule(act.doc, act.doc.signed_on or local_today())


def flag_prepared_documents(act):
    """A decision published: what prepared it (过程性信息) is due for re-review now."""
    flagged = rereview.flag_prepared(act.doc, act.user)
    notifications.re_review_due(flagged)


def _tagging(doc):
    parts = [f"公开属性：{doc.disclosure.label if doc.disclosure else '未标注'}"]
    if doc.legal_basis:
        parts.append(f"依据：{doc.legal_basis.full_label}")
    if doc.channel_list:
        parts.append("公开方式：" + "、".join(c.label for c in doc.channel_list))
    return "；".join(parts)


def record_re_review(act):
    """The office's outcome with its reason and what the document was.  Kept: the next re-review
    falls one period on.  Converted: the document takes its new attribute (the old one stays in
    the re-review record, the previous version and this event) and waits for sign-off."""
    doc, outcome = act.doc, rereview.outcome_of(act.action)
    converting = outcome != ReviewOutcome.KEEP
    channels = ",".join(c.value for c in rereview.chosen_channels(act.data)) if converting else ""
    db.session.add(ReReview(document=doc, outcome=outcome, reason=act.comment,
                            from_state=act.from_state, from_disclosure=doc.disclosure,
                            from_legal_basis=doc.legal_basis, from_reason_text=doc.reason_text,
                            from_channels=doc.channels, channels=channels, reviewed_by=act.user))
    if not converting:
        act.before = f"下次评估审查：{doc.next_review_on or '—'}"
        rereview.schedule(doc, local_today())
        act.after = f"下次评估审查：{doc.next_review_on}"
        return
    act.before = _tagging(doc)
    doc.disclosure, doc.channels = rereview.TARGET[outcome], channels
    if doc.disclosure == Disclosure.PROACTIVE:
        doc.legal_basis, doc.reason_text = None, ""
    else:                                          # 删减后公开: 第三十七条, the office's reason
        doc.legal_basis, doc.reason_text = LegalBasis.SEPARABLE, act.comment
    act.after = _tagging(doc)
    snapshot_version(act)


def sign_conversion(act):
    """Signed: the changed information is published within 20 working days from today; a document
    now fully disclosed has no next re-review, a 删减后公开 one its next a period on."""
    pending = act.doc.pending_conversion
    pending.result, pending.closed_by, pending.closed_at = ConversionResult.SIGNED, act.user, utcnow()
    act.doc.publish_clock_from = local_today()
    if act.doc.disclosure == Disclosure.PROACTIVE:
        rereview.unschedule(act.doc)
    else:
        rereview.schedule(act.doc, local_today())


def _end_conversion(result):
    def end_conversion(act):
        """Refused or withdrawn: the document returns to its attribute, basis, reason and channels;
        the re-review's result is then to keep it, the next one a period on."""
        doc, pending = act.doc, act.doc.pending_conversion
        act.before = _tagging(doc)
        doc.disclosure, doc.legal_basis = pending.from_disclosure, pending.from_legal_basis
        doc.reason_text, doc.channels = pending.from_reason_text, pending.from_channels
        pending.result, pending.closed_by, pending.closed_at = result, act.user, utcnow()
        rereview.schedule(doc, local_today())
        act.after = _tagging(doc)
        snapshot_version(act)
    return end_conversion


refuse_conversion = _end_conversion(ConversionResult.REFUSED)
withdraw_conversion = _end_conversion(ConversionResult.WITHDRAWN)


def stays(doc):
    return doc.state


# --- the table --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset
    target: object                       # a State, or a callable(doc) -> State
    who: who.Who
    needs_comment: bool = False
    checks: tuple = ()
    effects: tuple = field(default=())
    input_checks: tuple = ()             # of what the actor typed: check(doc, comment, data)

    def destination(self, doc):
        return self.target(doc) if callable(self.target) else self.target

    def problems(self, doc, comment="", data=None):
        found = {}
        for check in self.checks:
            found.update(check(doc))
        for check in self.input_checks:
            found.update(check(doc, comment, data or {}))
        return found


def _t(action, sources, target, who_, **kw):
    sources = frozenset(sources if isinstance(sources, (set, frozenset, tuple)) else {sources})
    return Transition(action, sources, target, who_, **kw)


RETURNING = (restart_office_clock,)
SIGNING = (stamp_approval, stamp_signer, close_post_hoc_review, enter_publish_queue, schedule_re_review)
RE_REVIEW_INPUT = (rereview.reason_problems,)
CONVERSION_INPUT = (rereview.reason_problems, rereview.channel_problems)

TRANSITIONS = [
    _t(Action.SUBMIT, {State.DRAFT, State.RETURNED}, State.OFFICE_CHECK, who.DRAFTER_OF,
       checks=(submit_problems,),
       effects=(restart_publish_clock_if_changed, open_post_hoc_review, snapshot_version)),
    _t(Action.OFFICE_PASS, State.OFFICE_CHECK, State.DIVISION_REVIEW, who.OFFICE,
       checks=(office_pass_problems,)),
    _t(Action.RETURN_TO_DRAFTER, State.OFFICE_CHECK, State.RETURNED, who.OFFICE,
       needs_comment=True, effects=RETURNING),
    _t(Action.DIVISION_SIGN_OFF, State.DIVISION_REVIEW, State.PRINCIPAL_REVIEW, who.DIVISION_HEAD_OF,
       checks=(sign_off_problems,)),
    _t(Action.SEND_BACK, State.DIVISION_REVIEW, State.RETURNED, who.DIVISION_HEAD_OF,
       needs_comment=True, effects=RETURNING),
    _t(Action.PRINCIPAL_SIGN_OFF, State.PRINCIPAL_REVIEW, approved_destination, who.PRINCIPAL,
       checks=(sign_off_problems,), effects=SIGNING),
    _t(Action.SEND_BACK, State.PRINCIPAL_REVIEW, State.RETURNED, who.PRINCIPAL,
       needs_comment=True, effects=RETURNING),
    # 保密审查 before publishing: passed, the document stays queued; failed, back to the drafter.
    _t(Action.CONFIDENTIALITY_PASS, State.PUBLISH_QUEUE, State.PUBLISH_QUEUE, who.OFFICE,
       effects=(record_confidentiality_check,)),
    _t(Action.CONFIDENTIALITY_FAIL, State.PUBLISH_QUEUE, State.RETURNED, who.OFFICE,
       needs_comment=True, effects=(record_confidentiality_check,) + RETURNING),
    _t(Action.MARK_PUBLISHED, State.PUBLISH_QUEUE, State.PUBLISHED, who.OFFICE,
       checks=(catalogue.publish_problems,),
       effects=(record_publication, freeze_published_text, flag_prepared_documents)),
    # 三同步: interpretation material, signed off with its document, is published after it.
    _t(Action.MARK_INTERPRETATION_PUBLISHED, State.PUBLISHED, State.PUBLISHED, who.OFFICE_OR_DRAFTER,
       checks=(interpretation_problems,), effects=(record_interpretation_publication,)),
    # The urgent path's post-hoc disclosure review: drafter, then division head, then principal.
    _t(Action.SUBMIT_REVIEW, State.REVIEW_PENDING, State.REVIEW_DIVISION, who.DRAFTER_OF,
       checks=(disclosure_problems,), effects=(snapshot_version,)),
    _t(Action.DIVISION_SIGN_OFF, State.REVIEW_DIVISION, State.REVIEW_PRINCIPAL, who.DIVISION_HEAD_OF,
       checks=(sign_off_problems,)),
    _t(Action.SEND_BACK, State.REVIEW_DIVISION, State.REVIEW_PENDING, who.DIVISION_HEAD_OF,
       needs_comment=True),
    _t(Action.PRINCIPAL_SIGN_OFF, State.REVIEW_PRINCIPAL, approved_destination, who.PRINCIPAL,
       checks=(sign_off_problems,), effects=SIGNING),
    _t(Action.SEND_BACK, State.REVIEW_PRINCIPAL, State.REVIEW_PENDING, who.PRINCIPAL,
       needs_comment=True),
    # 定期评估审查 (条例第十八条): the office keeps a document's attribute or converts it; a conversion
    # changes what the public sees, so the principal signs it, and it is published like any.
    _t(Action.RE_REVIEW_KEEP, rereview.AT_REST, stays, who.OFFICE_RE_REVIEW, needs_comment=True,
       input_checks=RE_REVIEW_INPUT, effects=(record_re_review,)),
    _t(Action.CONVERT_TO_PROACTIVE, rereview.AT_REST, State.CONVERT_SIGN, who.OFFICE_RE_REVIEW,
       needs_comment=True, input_checks=CONVERSION_INPUT, effects=(record_re_review,)),
    _t(Action.CONVERT_TO_REDACTED, State.ARCHIVED, State.CONVERT_REDACT,
       who.OFFICE_RE_REVIEW_WITHHELD, needs_comment=True, input_checks=CONVERSION_INPUT,
       effects=(record_re_review,)),
    _t(Action.CONVERSION_SUBMIT, State.CONVERT_REDACT, State.CONVERT_SIGN, who.OFFICE,
       checks=(rereview.conversion_problems, disclosure_problems)),
    _t(Action.CONVERSION_WITHDRAW, {State.CONVERT_REDACT, State.CONVERT_SIGN}, rereview.return_to,
       who.OFFICE, needs_comment=True, checks=(rereview.conversion_problems,),
       effects=(withdraw_conversion,)),
    _t(Action.PRINCIPAL_SIGN_OFF, State.CONVERT_SIGN, State.PUBLISH_QUEUE, who.PRINCIPAL,
       checks=(rereview.conversion_problems, sign_off_problems),
       effects=(sign_conversion, enter_publish_queue)),
    _t(Action.CONVERSION_REFUSE, State.CONVERT_SIGN, rereview.return_to, who.PRINCIPAL,
       needs_comment=True, checks=(rereview.conversion_problems,), effects=(refuse_conversion,)),
]

ACTIONS = tuple(dict.fromkeys(t.action for t in TRANSITIONS))


def transition_for(doc, action):
    for t in TRANSITIONS:
        if t.action == action and doc.state in t.sources:
            return t
    return None


def allowed(doc, action, user):
    t = transition_for(doc, Action(action))
    return bool(t and t.who(doc, user))


def allowed_actions(doc, user):
    return [t.action for t in TRANSITIONS if doc.state in t.sources and t.who(doc, user)]


def needs_comment(action):
    """Actions that reject or send back: a comment is required, the button is secondary."""
    return any(t.needs_comment for t in TRANSITIONS if t.action == action)


# --- acting ------------------------------------------------------------------------------------
def refusal(doc, action, user):
    """The error that forbids ``user`` to take ``action`` on ``doc`` now, or None.

    WrongState (409): the step is one this person takes, but not in the document's state (it
    moved on, or is not there yet) — the message names who acted last.  NotAllowed (403): the
    step is not theirs, and nobody acts on a document they drafted in any role but drafter.
    """
    t = transition_for(doc, action)
    if t is not None and t.who(doc, user):
        return None
    if any(r.action == action and r.who(doc, user) for r in TRANSITIONS):
        return WrongState(f"{last_act(doc.id)}当前状态为“{doc.state.label}”，不能{action.label}。")
    if who.own(doc, user) and not (t is not None and t.who is who.DRAFTER_OF):
        return NotAllowed(f"任何人都不能对本人起草的公文执行“{action.label}”。")
    if t is None:
        return NotAllowed(f"您无权对该公文执行“{action.label}”。")
    return NotAllowed(f"只有{t.who.label}可以执行“{action.label}”。")


def perform(doc, action, user, comment="", **data):
    """Take ``action`` on ``doc`` as ``user``: check who, state, comment and rule; act; audit.

    Raises a domain error and changes nothing when any check fails.  The caller commits.
    """
    action = Action(action)
    comment = (comment or "").strip()
    error = refusal(doc, action, user)
    if error is not None:
        raise error
    t = transition_for(doc, action)
    if t.needs_comment and not comment:
        raise Invalid(f"{action.label}须填写意见。", {"comment": f"{action.label}须填写意见。"})
    problems = t.problems(doc, comment, data)
    if problems:
        raise Invalid("；".join(problems.values()), problems)

    act = Act(doc, user, action, doc.state, t.destination(doc), comment, data)
    lock_chain()                          # the chain head before any row: one locking order for all
    doc.state = act.to_state
    flush_or_conflict(doc)
    try:
        for effect in t.effects:
            effect(act)
        event = record(action, user, document=doc, from_state=act.from_state,
                       to_state=act.to_state, before=act.before, after=act.after,
                       comment=act.comment)
        notifications.after_transition(event)          # whoever must act next, or gets it back
        flush_or_conflict(doc)
    except BaseException:
        db.session.rollback()             # nothing of a half-taken step survives
        raise
    return event


def return_all_untagged(user, comment=""):
    """The office's one-click 退文 of every document in its queue that breaks the tagging rule."""
    returned = []
    queue = db.session.scalars(select(Document).filter_by(state=State.OFFICE_CHECK)
                               .order_by(Document.id)).all()
    for doc in queue:
        if not must_return(doc):
            continue
        note = "退文：" + "".join(disclosure_problems(doc).values())
        perform(doc, Action.RETURN_TO_DRAFTER, user, f"{note}{comment and ' ' + comment}")
        returned.append(doc)
    return returned


# --- the drafter's own document ------------------------------------------------------------------
def create_document(user, **fields):
    if not user.has_role(Role.DRAFTER) or user.division_id is None:
        raise NotAllowed("只有所属科室的拟稿人可以起草公文。")
    today = local_today()
    doc = Document(drafter=user, division_id=user.division_id, state=State.DRAFT,
                   office_clock_from=today, publish_clock_from=today, **fields)
    db.session.add(doc)
    db.session.flush()
    record(Action.CREATE, user, document=doc, to_state=State.DRAFT)
    return doc


def save_draft(doc, user, **fields):
    """Save what the drafter may change in this state; other fields are left as they are."""
    if not can_edit(doc, user):
        if not who.own(doc, user):
            raise NotAllowed("只有拟稿人本人可以修改该公文。")
        raise WrongState(f"该公文当前状态为“{doc.state.label}”，不能修改。")
    allowed_fields = editable_fields(doc)
    changed = [name for name, value in fields.items()
               if name in allowed_fields and getattr(doc, name) != value]
    for name in changed:
        setattr(doc, name, fields[name])
    if changed:
        record(Action.EDIT, user, document=doc, from_state=doc.state, to_state=doc.state,
               after="修改了：" + "、".join(DOCUMENT_FIELDS[n] for n in changed))
    flush_or_conflict(doc)
    return doc
