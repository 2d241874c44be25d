"""The audit trail: every act that changes data writes one Event, and a write that lost a race
fails with a message naming who got there first."""
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from .dates import to_local
from .errors import Conflict
from .extensions import db
from .models import Event


def record(action, actor, *, document=None, subject=None, from_state=None, to_state=None,
           before="", after="", comment=""):
    """Write the Event of one act.  ``actor`` is a User, or None for a command run on the server."""
    event = Event(document=document, subject=subject, actor=actor,
                  actor_role=actor.role if actor is not None else None, action=action,
                  from_state=from_state, to_state=to_state, before=before, after=after,
                  comment=comment, version_no=document.version_no if document is not None else 0)
    db.session.add(event)
    return event


def flush_or_conflict(doc):
    """Write now, so that a concurrent writer who got there first makes this one fail cleanly."""
    doc_id = doc.id
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(handled_by_message(doc_id)) from None


def last_act(doc_id):
    """“该公文已由X于…处理（A），”: who acted last on the document, and when ("" if nobody)."""
    last = db.session.scalars(select(Event).filter_by(document_id=doc_id)
                              .order_by(Event.id.desc()).limit(1)).first()
    if last is None:
        return ""
    return (f"该公文已由{last.actor_name}于{to_local(last.at):%Y-%m-%d %H:%M}处理"
            f"（{last.action.label}），")


def handled_by_message(doc_id):
    """The message a writer who lost a race reads: who got there first, and when."""
    return (last_act(doc_id) or "该公文已被他人修改，") + "请刷新后查看。"


def changes(before, after, labels):
    """“字段：旧 → 新” for each field whose value changed; ``labels`` names the fields."""
    out = []
    for key, label in labels.items():
        if before.get(key) != after.get(key):
            out.append((f"{label}：{before.get(key) or '—'}", f"{label}：{after.get(key) or '—'}"))
    return "；".join(b for b, _ in out), "；".join(a for _, a in out)
