"""The office's 定期评估审查 screen: what is due and overdue, by division, sorted by due date;
the conversions under way."""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..labels import State
from ..models import Division, Document
from ..permissions import RE_REVIEW_AT_REST

# “即将到期”: due within this many days.
HORIZON_DAYS = 30
SHOW = {"due": "已逾期及30日内到期", "overdue": "已逾期", "all": "全部已排期"}


def scheduled():
    """Documents resting not (fully) disclosed, with a next re-review date."""
    return (Document.next_review_on.isnot(None), Document.state.in_(RE_REVIEW_AT_REST))


@dataclass
class DivisionLine:
    division: Division
    overdue: int
    soon: int
    scheduled: int


def division_summary(today):
    """Per division: overdue, due within HORIZON_DAYS, everything scheduled."""
    soon_until = today + timedelta(days=HORIZON_DAYS)
    counts = {row.division_id: row for row in db.session.execute(
        select(Document.division_id,
               func.sum(case((Document.next_review_on < today, 1), else_=0)).label("overdue"),
               func.sum(case(((Document.next_review_on >= today)
                              & (Document.next_review_on <= soon_until), 1), else_=0)).label("soon"),
               func.count().label("scheduled"))
        .where(*scheduled()).group_by(Document.division_id))}
    lines = []
    for division in db.session.scalars(select(Division).order_by(Division.name)):
        row = counts.get(division.id)
        lines.append(DivisionLine(division, int(row.overdue) if row else 0,
                                  int(row.soon) if row else 0, row.scheduled if row else 0))
    return lines


def due(today, show="due", division_id=None, limit=100, offset=0):
    """(total, documents) to re-review, by division then due date."""
    stmt = select(Document).join(Division, Division.id == Document.division_id).where(*scheduled())
    if show == "overdue":
        stmt = stmt.where(Document.next_review_on < today)
    elif show != "all":
        stmt = stmt.where(Document.next_review_on <= today + timedelta(days=HORIZON_DAYS))
    if division_id:
        stmt = stmt.where(Document.division_id == division_id)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    docs = db.session.scalars(
        stmt.options(joinedload(Document.division), joinedload(Document.drafter))
        .order_by(Division.name, Document.next_review_on, Document.id)
        .limit(limit).offset(offset)).unique().all()
    return total, docs


def conversions_under_way():
    return db.session.scalars(
        select(Document).options(joinedload(Document.division))
        .where(Document.state.in_((State.CONVERT_REDACT, State.CONVERT_SIGN)))
        .order_by(Document.updated_at)).unique().all()


def due_now(today):
    """Documents whose re-review date has come (for the sweep's notifications)."""
    return db.session.scalars(select(Document).where(*scheduled(), Document.next_review_on <= today)
                              .order_by(Document.id)).all()
