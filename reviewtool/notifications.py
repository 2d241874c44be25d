"""In-app notifications (消息): who is told what, written once.

The workflow calls :func:`after_transition` once per step, after its Event is recorded: the
people in whose queue the document now waits are told it arrived; a drafter whose document was
returned or sent back is told so, with the comment; the office is told when the principal does
not agree to a conversion.  ``flask sweep`` (``sweep.py``) adds what time brings: a clock due
within 2 working days, an overdue clock (and then the heads of the owning division too), a
re-review that is due.  Every notification has a key (``event:<id>``, ``overdue:<clock>:<doc>:
<due>`` …) unique per person, so writing it again — a second sweep the same day — adds nothing.

Notifications are derived from the audited events and the clocks; they are not themselves
audited acts (reading one sets ``read_at`` and nothing else).
"""
from sqlalchemy import func, select, update

from .dates import utcnow
from .extensions import db
from .labels import Action, NoticeKind, Role, State
from .models import Division, Notification, User

# Whose queue a document waits in, by state (the same people the transition table lets act).
QUEUES = {
    State.OFFICE_CHECK: Role.OFFICE,
    State.DIVISION_REVIEW: Role.DIVISION_HEAD,
    State.PRINCIPAL_REVIEW: Role.PRINCIPAL,
    State.PUBLISH_QUEUE: Role.OFFICE,
    State.REVIEW_PENDING: Role.DRAFTER,
    State.REVIEW_DIVISION: Role.DIVISION_HEAD,
    State.REVIEW_PRINCIPAL: Role.PRINCIPAL,
    State.CONVERT_REDACT: Role.OFFICE,
    State.CONVERT_SIGN: Role.PRINCIPAL,
}
# Steps that send a document back to its drafter, who is told with the comment.
RETURNING = (Action.RETURN_TO_DRAFTER, Action.SEND_BACK, Action.CONFIDENTIALITY_FAIL)


def people(doc, role, cache=None):
    """The active people of ``role`` who act on ``doc`` in that role (never on their own document
    unless as its drafter).  ``cache`` (a dict) spares the queries when asked for many documents."""
    if role == Role.DRAFTER:
        return [doc.drafter] if doc.drafter.active else []
    key = (role, doc.division_id if role == Role.DIVISION_HEAD else None)
    candidates = cache.get(key) if cache is not None else None
    if candidates is None:
        stmt = select(User).where(User.role == role, User.active.is_(True)).order_by(User.id)
        if role == Role.DIVISION_HEAD:
            stmt = stmt.join(User.led_divisions).where(Division.id == doc.division_id)
        candidates = db.session.scalars(stmt).all()
        if cache is not None:
            cache[key] = candidates
    return [u for u in candidates if u.id != doc.drafter_id]


def write(users, kind, text, key, document=None, event=None):
    """One notification per person for ``key``; people who already have it get nothing new."""
    ids = {u.id for u in users}
    if not ids:
        return 0
    have = set(db.session.scalars(select(Notification.user_id).where(
        Notification.key == key, Notification.user_id.in_(ids))))
    fresh = sorted(ids - have)
    db.session.add_all(Notification(user_id=uid, kind=kind, text=text, key=key,
                                    document_id=document.id if document is not None else None,
                                    event_id=event.id if event is not None else None)
                       for uid in fresh)
    return len(fresh)


def after_transition(event):
    """The one hook the workflow calls after a step's Event is written."""
    doc, action = event.document, event.action
    actor = event.actor.name if event.actor else "系统"
    key = f"event:{event.id}"
    if action in RETURNING and event.to_state in (State.RETURNED, State.REVIEW_PENDING):
        write([u for u in people(doc, Role.DRAFTER) if u.id != event.actor_id], NoticeKind.RETURNED,
              f"《{doc.title}》被{actor}{action.label}：{event.comment}", key, doc, event)
        return
    if action == Action.CONVERSION_REFUSE:
        proposer = doc.re_reviews[-1].reviewed_by
        write([proposer] if proposer.active else [], NoticeKind.RETURNED,
              f"《{doc.title}》{actor}{action.label}：{event.comment}", key, doc, event)
        return
    role = QUEUES.get(event.to_state)
    if role is None or event.to_state == event.from_state:
        return
    write([u for u in people(doc, role) if u.id != event.actor_id], NoticeKind.ARRIVED,
          f"《{doc.title}》待您办理：{event.to_state.label}（{actor}{action.label}）", key, doc, event)


def re_review_due(docs, cache=None):
    """The office is told each re-review that is due (once per document and due date)."""
    written = 0
    for doc in docs:
        why = f"：{doc.review_flag}" if doc.review_flag else f"（{doc.next_review_on}到期）"
        written += write(people(doc, Role.OFFICE, cache), NoticeKind.RE_REVIEW_DUE,
                         f"《{doc.title}》须进行定期评估审查{why}",
                         f"re_review:{doc.id}:{doc.next_review_on}", doc)
    return written


# --- reading -------------------------------------------------------------------------------------
def unread_count(user):
    """One cheap count (a partial index on unread rows)."""
    if not user.is_authenticated:
        return 0
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)))


def listing(user, unread_only=False, limit=50, offset=0):
    """(total, the page's notifications) of one person, newest first."""
    stmt = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    items = db.session.scalars(stmt.order_by(Notification.id.desc()).limit(limit).offset(offset)).all()
    return total, items


def mark_read(user, notification_id=None):
    """Mark one of the user's notifications read (or all of them); the number newly read."""
    stmt = update(Notification).where(Notification.user_id == user.id,
                                      Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    result = db.session.execute(stmt.values(read_at=utcnow()).execution_options(
        synchronize_session="fetch"))
    return result.rowcount
