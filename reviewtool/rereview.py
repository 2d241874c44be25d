"""Periodic re-review (定期评估审查): 条例第十八条 — “对本行政机关不予公开的政府信息进行定期评估审查，
对因情势变化可以公开的政府信息应当公开”; seed 000 §四(一); seed 001 §二(七) (可由依申请公开转为主动公开的
应当主动公开).

Every signed-off document that was not (fully) disclosed — 依申请公开, 删减后公开, 不予公开 — carries
``next_review_on``: the admin's period (系统管理 → 定期评估审查设置, default 12 months) after the
sign-off or after its last re-review, or a date the office set for it.  The office's outcome
(维持, 转为主动公开, 转为删减后公开) is a workflow transition; this module holds the rules those
transitions and the office's screens share: the period, scheduling, what a reason and a
conversion need, and flagging the documents that prepared a decision once it is published.
"""
from flask import current_app
from sqlalchemy import select, update

from .audit import record
from .dates import add_months, local_today
from .extensions import db
from .labels import RE_REVIEWED, TIME_BOUND_BASES, Action, Channel, Disclosure, ReviewOutcome
from .models import Document
from .permissions import RE_REVIEW_AT_REST as AT_REST
from .publishing.catalogue import setting
from .rules import is_boilerplate

PERIOD_KEY = "re_review_months"
PERIOD_RANGE = range(1, 121)


def period_months():
    """The admin's period in months (default: config RE_REVIEW_MONTHS, 12)."""
    value = setting(PERIOD_KEY)
    if value and value.isdigit() and int(value) in PERIOD_RANGE:
        return int(value)
    return int(current_app.config.get("RE_REVIEW_MONTHS", 12))


def is_re_reviewed(doc):
    return doc.disclosure is not None and doc.disclosure.value in RE_REVIEWED


def schedule(doc, start):
    """The next re-review falls one period after ``start`` (a sign-off or a re-review)."""
    doc.review_from = start
    doc.next_review_on = add_months(start, period_months())
    doc.next_review_by_hand = False
    doc.review_flag = ""


def unschedule(doc):
    """Now fully disclosed (主动公开): nothing left to re-review."""
    doc.review_from = doc.next_review_on = None
    doc.next_review_by_hand = False
    doc.review_flag = ""


def reschedule_all():
    """After the admin changed the period: every date not set by hand follows from its start."""
    months = period_months()
    starts = db.session.scalars(select(Document.review_from).distinct().where(
        Document.next_review_on.isnot(None), Document.review_from.isnot(None),
        Document.next_review_by_hand.is_(False))).all()
    changed = 0
    for start in starts:
        changed += db.session.execute(
            update(Document).where(Document.review_from == start, Document.next_review_on.isnot(None),
                                   Document.next_review_by_hand.is_(False),
                                   Document.next_review_on != add_months(start, months))
            .values(next_review_on=add_months(start, months))
            .execution_options(synchronize_session=False)).rowcount
    return changed


# --- what the office's outcome needs (checks of what was typed) ------------------------------------
def reason_problems(doc, comment, data):
    """A re-review outcome needs a written reason: specific, not boilerplate."""
    if comment and is_boilerplate(comment):
        return {"comment": "评估理由过于笼统，请结合公文内容和情势变化具体说明（不少于10个字）。"}
    return {}


def chosen_channels(data):
    return [c for c in (Channel.get(k) for k in data.get("channels") or ()) if c]


def channel_problems(doc, comment, data):
    """A conversion publishes the document: it needs at least one channel, from the list."""
    given = list(data.get("channels") or ())
    if not given or len(chosen_channels(data)) != len(given):
        return {"channels": "转为公开的公文须选择至少一种公开方式。"}
    return {}


def outcome_of(action):
    return {Action.RE_REVIEW_KEEP: ReviewOutcome.KEEP,
            Action.CONVERT_TO_PROACTIVE: ReviewOutcome.TO_PROACTIVE,
            Action.CONVERT_TO_REDACTED: ReviewOutcome.TO_REDACTED}[action]


TARGET = {ReviewOutcome.TO_PROACTIVE: Disclosure.PROACTIVE,
          ReviewOutcome.TO_REDACTED: Disclosure.REDACTED}


def conversion_problems(doc):
    """The transitions that end a conversion need one pending."""
    if doc.pending_conversion is None:
        return {"_": "该公文没有待办理的转为公开。"}
    return {}


def return_to(doc):
    """Where a refused or withdrawn conversion leaves the document: where it was."""
    pending = doc.pending_conversion
    return pending.from_state if pending is not None else doc.state


# --- a decision published: the documents that prepared it are due -----------------------------------
def is_time_bound(doc):
    return doc.legal_basis is not None and doc.legal_basis.value in TIME_BOUND_BASES


def flag_prepared(decision, actor):
    """The documents that prepared ``decision`` (过程性信息 and the like) are due for re-review now:
    their reason may have lapsed once the decision is public.  Each flag is an event."""
    today = local_today()
    flagged = db.session.scalars(select(Document).where(
        Document.prepares_decision_id == decision.id, Document.next_review_on.isnot(None),
        Document.state.in_(AT_REST)).order_by(Document.id)).all()
    for doc in flagged:
        before = f"下次评估审查：{doc.next_review_on}"
        doc.next_review_on = min(doc.next_review_on, today)
        doc.review_flag = f"所准备的决定“{decision.title}”已公开"
        record(Action.RE_REVIEW_FLAG, actor, document=doc, from_state=doc.state, to_state=doc.state,
               before=before, after=f"下次评估审查：{doc.next_review_on}（{doc.review_flag}）")
    return flagged
