"""Work lists: which documents wait for this user, and how many.  The workflow's who-rules
(the drafter's own documents, the divisions a head leads) expressed as SQL filters so lists stay fast."""
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import defer, joinedload

from ..extensions import db
from ..labels import Action, Role, State
from ..models import Document, Event, division_leaders

# A queue page shows at most this many rows; the office's filtered list pages through all.
QUEUE_LIMIT = 100

IN_FLIGHT = (State.OFFICE_CHECK, State.DIVISION_REVIEW, State.PRINCIPAL_REVIEW,
             State.REVIEW_DIVISION, State.REVIEW_PRINCIPAL)
# Signed off; a periodic re-review's conversion happens after that, so it counts as done here.
DONE = (State.PUBLISH_QUEUE, State.PUBLISHED, State.ARCHIVED, State.CONVERT_REDACT,
        State.CONVERT_SIGN)


@dataclass(frozen=True)
class WorkList:
    key: str
    label: str
    states: tuple
    mine_only: bool = False      # the drafter's own documents
    led_only: bool = False       # documents of divisions the division head leads
    todo: bool = True            # counted as work waiting for the user


WORKLISTS = {
    Role.DRAFTER: [
        WorkList("returned", "待我修改", (State.RETURNED, State.REVIEW_PENDING), mine_only=True),
        WorkList("drafts", "我的草稿", (State.DRAFT,), mine_only=True),
        WorkList("in_flight", "审批中", IN_FLIGHT, mine_only=True, todo=False),
        WorkList("done", "已办结", DONE, mine_only=True, todo=False),
    ],
    Role.DIVISION_HEAD: [
        WorkList("inbox", "待我审签", (State.DIVISION_REVIEW, State.REVIEW_DIVISION), led_only=True),
        WorkList("later", "已送主要负责人", (State.PRINCIPAL_REVIEW, State.REVIEW_PRINCIPAL,
                                          State.REVIEW_PENDING), led_only=True, todo=False),
        WorkList("done", "已办结", DONE, led_only=True, todo=False),
    ],
    Role.PRINCIPAL: [
        WorkList("inbox", "待我签发", (State.PRINCIPAL_REVIEW, State.REVIEW_PRINCIPAL,
                                       State.CONVERT_SIGN)),
        WorkList("done", "已签发", (State.PUBLISH_QUEUE, State.PUBLISHED, State.ARCHIVED),
                 todo=False),
    ],
    Role.OFFICE: [
        WorkList("check", "待审核", (State.OFFICE_CHECK,)),
        WorkList("queue", "待发布", (State.PUBLISH_QUEUE,)),
        WorkList("published", "已发布", (State.PUBLISHED,), todo=False),
        WorkList("archived", "已归档（不主动公开）", (State.ARCHIVED,), todo=False),
    ],
    Role.ADMIN: [],
}


def worklist(role, key):
    return next(w for w in WORKLISTS[role] if w.key == key)


def worklists_for(user):
    return WORKLISTS.get(user.role, [])


def _filtered(stmt, worklist, user):
    stmt = stmt.where(Document.state.in_(list(worklist.states)))
    if worklist.mine_only:
        stmt = stmt.where(Document.drafter_id == user.id)
    if worklist.led_only:
        led = select(division_leaders.c.division_id).where(division_leaders.c.user_id == user.id)
        stmt = stmt.where(Document.division_id.in_(led), Document.drafter_id != user.id)
    return stmt


def documents_in(worklist, user, limit=None, offset=0, options=(), with_body=False):
    """The list's documents, newest first, urgent on top; bodies left out unless asked for."""
    body = () if with_body else (defer(Document.body_html),)
    stmt = (select(Document).options(joinedload(Document.division), joinedload(Document.drafter),
                                     *body, *options)
            .order_by(Document.is_urgent.desc(), Document.updated_at.desc(), Document.id.desc()))
    stmt = _filtered(stmt, worklist, user)
    if limit:
        stmt = stmt.limit(limit).offset(offset)
    return db.session.scalars(stmt).unique().all()


# What sends a document back to its drafter, with the comment that says why.
RETURNING_ACTIONS = (Action.RETURN_TO_DRAFTER, Action.SEND_BACK, Action.CONFIDENTIALITY_FAIL)


def return_comments(docs):
    """{document id: the latest Event that sent it back} for those of ``docs`` now back with
    their drafter (returned, or owing the review of an urgent document)."""
    ids = [d.id for d in docs if d.state in (State.RETURNED, State.REVIEW_PENDING)]
    if not ids:
        return {}
    latest = (select(func.max(Event.id)).where(Event.document_id.in_(ids),
                                               Event.action.in_(RETURNING_ACTIONS))
              .group_by(Event.document_id))
    events = db.session.scalars(select(Event).options(joinedload(Event.actor))
                                .where(Event.id.in_(latest))).all()
    return {e.document_id: e for e in events}


def count_in(worklist, user):
    return db.session.scalar(_filtered(select(func.count()).select_from(Document), worklist, user))


def counts(user):
    """{worklist key: count} for every list of the user's role, in one query per list."""
    return {w.key: count_in(w, user) for w in worklists_for(user)}
