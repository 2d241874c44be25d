"""The audit trail read back: a document's or a period's events, as the office pages through
and exports them (CSV/XLSX)."""
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..dates import LOCAL_TZ, to_local
from ..extensions import db
from ..models import Document, Event


def utc_bounds(start, end):
    """Naive-UTC [from, to) for the local (Beijing) days ``start`` … ``end`` inclusive."""
    def utc(day):
        return (datetime.combine(day, time(), LOCAL_TZ).astimezone(timezone.utc)
                .replace(tzinfo=None))
    return utc(start), utc(end + timedelta(days=1))


def _in_period(stmt, start, end):
    low, high = utc_bounds(start, end)
    return stmt.where(Event.at >= low, Event.at < high)


def period_count(start, end):
    return db.session.scalar(_in_period(select(func.count(Event.id)), start, end))


def period_events(start, end, limit=None, offset=0):
    """The period's events in the order they were written (the chain's order)."""
    stmt = _in_period(select(Event).options(joinedload(Event.actor), joinedload(Event.document)
                                            .load_only(Document.id, Document.title)),
                      start, end).order_by(Event.id)
    if limit:
        stmt = stmt.limit(limit).offset(offset)
    return db.session.scalars(stmt).all()


def event_row(event):
    """One event as an exported line (see labels.HISTORY_COLUMNS)."""
    return [event.id, to_local(event.at).strftime("%Y-%m-%d %H:%M:%S"), event.actor_name,
            event.actor_role.label if event.actor_role else "", event.action.label,
            event.document_id or "", event.document.title if event.document else "",
            event.subject or "", event.from_state.label if event.from_state else "",
            event.to_state.label if event.to_state else "", event.before, event.after,
            event.comment, event.version_no or "", event.hash]
