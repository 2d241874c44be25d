"""The audit trail: every act that changes data writes one Event, and a write that lost a race
fails with a message naming who got there first.

The events form a hash chain (tamper evidence): each stores ``prev_hash``, the hash of the event
before it, and ``hash``, SHA-256 over a canonical serialization of its own fields and
``prev_hash``.  Changing, inserting or removing a stored event breaks the chain at that point,
which :func:`verify_chain` (``flask verify-audit``, 系统管理 → 审计记录校验) finds and names.

Appending is serialized: :func:`record` first locks the one row of ``audit_chain_head`` (an
UPDATE, which holds a row lock on PostgreSQL until the transaction ends and takes SQLite's write
lock), reads the head from it, and writes the new head back; two transactions therefore never
chain to the same predecessor, and event ids grow in chain order.  :func:`lock_chain` lets a
transaction that will touch several rows take this lock before any of them, so that every
writer locks in the same order (chain head first) and none waits for another in a circle.

Someone able to rewrite the database could recompute every hash after a change; the head hash
shown on the admin page and printed by ``flask verify-audit`` is what to write down or hand to a
third party now and then, so that such a rewrite no longer matches it.
"""
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .dates import to_local, utcnow
from .errors import Conflict
from .extensions import db
from .models import AuditChainHead, Event
from .models.oversight import GENESIS_HASH

# The fields a hash covers, in this order; changing them changes every hash (never do).
CHAIN_FIELDS = ("id", "document_id", "subject", "actor_id", "actor_role", "action", "from_state",
                "to_state", "before", "after", "comment", "version_no", "at")
HEAD_ID = 1


def _plain(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="microseconds")
    return value


def event_digest(fields, prev_hash):
    """SHA-256 (hex) over the JSON array of the event's CHAIN_FIELDS values and ``prev_hash``
    (enum members as their keys, timestamps as ``YYYY-MM-DD HH:MM:SS.ffffff`` UTC)."""
    payload = [_plain(fields[name]) for name in CHAIN_FIELDS] + [prev_hash]
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


# --- appending --------------------------------------------------------------------------------
_head = AuditChainHead.__table__


def lock_chain():
    """Lock the chain head for the rest of this transaction; return (last id, last hash, length)."""
    with db.session.no_autoflush:
        for _ in range(3):
            row = db.session.execute(
                sa.update(_head).where(_head.c.id == HEAD_ID).values(length=_head.c.length)
                .returning(_head.c.last_event_id, _head.c.last_hash, _head.c.length)).first()
            if row is not None:
                return row
            try:                         # a database made without the migration: start the chain
                with db.session.begin_nested():
                    db.session.execute(sa.insert(_head).values(id=HEAD_ID, last_hash=GENESIS_HASH,
                                                               length=0))
            except IntegrityError:       # someone else started it first: lock theirs
                pass
    raise RuntimeError("无法锁定审计记录链。")


def record(action, actor, *, document=None, subject=None, from_state=None, to_state=None,
           before="", after="", comment=""):
    """Write the Event of one act, chained to the one before.  ``actor`` is a User, or None for
    a command run on the server."""
    _, last_hash, _ = lock_chain()
    event = Event(document=document, subject=subject, actor=actor,
                  actor_role=actor.role if actor is not None else None, action=action,
                  from_state=from_state, to_state=to_state, before=before, after=after,
                  comment=comment, version_no=document.version_no if document is not None else 0,
                  at=utcnow(), prev_hash=last_hash)
    db.session.add(event)
    flush_or_conflict(document)          # the event's id is part of what the hash covers
    event.hash = event_digest({name: getattr(event, name) for name in CHAIN_FIELDS}, last_hash)
    db.session.execute(sa.update(_head).where(_head.c.id == HEAD_ID).values(
        last_event_id=event.id, last_hash=event.hash, length=_head.c.length + 1))
    return event


def flush_or_conflict(doc=None):
    """Write now, so that a concurrent writer who got there first makes this one fail cleanly."""
    doc_id = doc.id if doc is not None else None
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(handled_by_message(doc_id) if doc_id else "数据已被他人同时修改，请刷新后重试。") \
            from None


# --- verifying -------------------------------------------------------------------------------
@dataclass
class ChainCheck:
    """What a walk of the chain found: how many events, the head, and the first break (if any)."""
    checked: int
    head_hash: str
    head_length: int
    broken_event_id: int = None
    problem: str = ""

    @property
    def ok(self):
        return not self.problem


def _raw(name):
    """A column as stored (enum keys as strings, whatever the vocabulary knows today)."""
    column = Event.__table__.c[name]
    return sa.type_coerce(column, sa.String).label(name) if isinstance(column.type, sa.Enum) else column


def verify_chain(batch=5000):
    """Walk every event in id order: each must link to the one before (``prev_hash``) and its
    hash must match its fields; the chain must end where the head says.  Names the first break."""
    columns = [_raw(name) for name in CHAIN_FIELDS] + [Event.prev_hash, Event.hash]
    rows = db.session.execute(select(*columns).order_by(Event.id).execution_options(yield_per=batch))
    previous, previous_id, count = GENESIS_HASH, None, 0
    head = db.session.execute(select(_head.c.last_event_id, _head.c.last_hash, _head.c.length)
                              .where(_head.c.id == HEAD_ID)).first()
    head_hash, head_length = (head.last_hash, head.length) if head else (GENESIS_HASH, 0)
    for row in rows:
        count += 1
        if row.prev_hash != previous:
            where = f"第{previous_id}号记录" if previous_id else "链的起点"
            rows.close()
            return ChainCheck(count, head_hash, head_length, row.id,
                              f"第{row.id}号记录与前一条（{where}）不衔接：其间的记录被删除、插入或改动。")
        if row.hash != event_digest(row._mapping, row.prev_hash):
            rows.close()
            return ChainCheck(count, head_hash, head_length, row.id,
                              f"第{row.id}号记录的内容与其校验值不符：该记录在写入后被改动。")
        previous, previous_id = row.hash, row.id
    if head is None and count == 0:
        return ChainCheck(0, GENESIS_HASH, 0)
    if head is None or (head.last_event_id, head.last_hash, head.length) != (previous_id, previous, count):
        return ChainCheck(count, head_hash, head_length, previous_id,
                          f"记录链止于第{previous_id}号记录（共{count}条），与链头登记的"
                          f"第{head.last_event_id if head else '—'}号（共{head_length}条）不符："
                          "最近的记录被删除。")
    return ChainCheck(count, head_hash, head_length)


def stored_event(event_id):
    """An event's columns as stored (vocabulary keys shown with their labels where known), for
    showing a broken link without trusting it to load as a model."""
    row = db.session.execute(select(*[_raw(name) for name in CHAIN_FIELDS], Event.prev_hash,
                                    Event.hash).where(Event.id == event_id)).first()
    return dict(row._mapping) if row is not None else None


# --- what people read --------------------------------------------------------------------------
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
