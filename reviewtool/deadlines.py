"""Deadline clocks in Chinese working days: which are open on a document, when each is due,
who owes it, and which documents are overdue (as SQL, so lists and counts stay fast).

Clocks are derived, never stored: the document keeps only the local date each clock started,
so an entered or changed holiday recomputes every running deadline at once.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, false

from .labels import Clock, Disclosure, Role, State
from .models import Document, local_today
from .workdays import add_working_days, unmaintained_warning, working_days_between

_NOT_DONE = (State.PUBLISHED.value, State.ARCHIVED.value)


@dataclass(frozen=True)
class OpenClock:
    clock: Clock
    start: date
    due: date
    days_left: int          # working days from today to the due date; negative when overdue
    owed_by: Role
    warning: str            # “日历未维护……” when a year on the way was counted as plain weekdays

    @property
    def overdue(self):
        return self.days_left < 0


# --- which clocks run: one rule per clock, in Python (for a document) and SQL (for lists) ------
def _start(doc, clock):
    if clock == Clock.SEND_TO_OFFICE:
        return doc.office_clock_from if doc.state in (State.DRAFT.value, State.RETURNED.value) else None
    if clock == Clock.PUBLISH:
        return (doc.publish_clock_from if doc.disclosure == Disclosure.PROACTIVE.value
                and doc.state not in _NOT_DONE else None)
    if clock == Clock.POST_HOC_REVIEW:
        return doc.post_hoc_from if doc.post_hoc_done_at is None else None
    if clock == Clock.DECISION:
        return (doc.decision_date if doc.is_decision and doc.state != State.PUBLISHED.value
                else None)
    if clock == Clock.INTERPRETATION:
        return (doc.published_on if doc.interpretation_html and doc.published_on
                and doc.interpretation_published_on is None else None)
    return None


def start_column(clock):
    """(start date column, SQL condition under which the clock runs) for list queries."""
    if clock == Clock.SEND_TO_OFFICE:
        return Document.office_clock_from, Document.state.in_([State.DRAFT.value,
                                                               State.RETURNED.value])
    if clock == Clock.PUBLISH:
        return Document.publish_clock_from, and_(Document.disclosure == Disclosure.PROACTIVE.value,
                                                 Document.state.notin_(_NOT_DONE))
    if clock == Clock.POST_HOC_REVIEW:
        return Document.post_hoc_from, Document.post_hoc_done_at.is_(None)
    if clock == Clock.DECISION:
        return Document.decision_date, and_(Document.is_decision.is_(True),
                                            Document.state != State.PUBLISHED.value)
    if clock == Clock.INTERPRETATION:
        return Document.published_on, and_(Document.state == State.PUBLISHED.value,
                                           Document.interpretation_html != "",
                                           Document.interpretation_published_on.is_(None))
    return Document.office_clock_from, false()


TRACKED = tuple(Clock)


def owed_by(doc, clock):
    if clock == Clock.POST_HOC_REVIEW:          # drafter first, then the leaders in turn
        return {State.REVIEW_DIVISION.value: Role.DIVISION_HEAD,
                State.REVIEW_PRINCIPAL.value: Role.PRINCIPAL}.get(doc.state, Role.DRAFTER)
    return clock.owed_by


def open_clocks(doc, today=None):
    today = today or local_today()
    clocks = []
    for clock in TRACKED:
        start = _start(doc, clock)
        if start is None:
            continue
        due = add_working_days(start, clock.working_days)
        left = working_days_between(today, due.date)
        years = set(due.unmaintained_years) | set(left.unmaintained_years)
        clocks.append(OpenClock(clock, start, due.date, left.count, owed_by(doc, clock),
                                unmaintained_warning(years)))
    return sorted(clocks, key=lambda c: c.due)


def next_clock(doc, role=None, today=None):
    """The soonest open clock owed by ``role`` (any role when None)."""
    clocks = [c for c in open_clocks(doc, today) if role is None or c.owed_by == role]
    return clocks[0] if clocks else None


def clocks_by_document(docs, role=None, today=None):
    return {doc.id: next_clock(doc, role, today) for doc in docs}


def sort_by_due(docs, clocks):
    far = date.max
    return sorted(docs, key=lambda d: (clocks[d.id].due if clocks.get(d.id) else far, d.id))


# --- overdue as SQL ------------------------------------------------------------------------
def overdue_cutoff(clock, today=None):
    """The earliest start date whose deadline has not passed: a clock that started before it is
    overdue.  Due dates grow with the start, so a binary search over start dates finds it."""
    today = today or local_today()
    n = clock.working_days
    low, high = today - timedelta(days=4 * n + 60), today       # add(low, n) < today <= add(high, n)
    while (high - low).days > 1:
        mid = low + (high - low) / 2
        if add_working_days(mid, n).date < today:
            low = mid
        else:
            high = mid
    return high


def overdue_filter(clock, today=None):
    column, running = start_column(clock)
    return and_(running, column.isnot(None), column < overdue_cutoff(clock, today))


def running_filter(clock):
    column, running = start_column(clock)
    return and_(running, column.isnot(None))

