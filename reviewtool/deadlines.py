"""Deadline clocks in Chinese working days: which are open on a document, when each is due,
who owes it, and which documents are overdue (as SQL, so lists and counts stay fast).

Clocks are derived, never stored: the document keeps only the local date each clock started,
so an entered or changed holiday recomputes every running deadline at once.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_

from .calendar.workdays import add_working_days, unmaintained_warning, working_days_between
from .dates import local_today
from .labels import Clock, Disclosure, Role, State
from .models import Document


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


# --- which clocks run: one rule per clock, read in Python (a document) and as SQL (lists) ------
@dataclass(frozen=True)
class ClockRule:
    """A clock runs from the date in ``start`` while the document matches every condition."""
    start: str                               # the Document column holding the start date
    states: frozenset = None                 # only in these states (None: any)
    not_states: frozenset = frozenset()      # never in these states
    disclosure: Disclosure = None            # only for this attribute
    true: tuple = ()                         # boolean columns that must be true
    null: tuple = ()                         # columns that must be empty (NULL)
    nonempty: tuple = ()                     # text columns that must not be ''

    def runs(self, doc):
        return (getattr(doc, self.start) is not None
                and (self.states is None or doc.state in self.states)
                and doc.state not in self.not_states
                and (self.disclosure is None or doc.disclosure == self.disclosure)
                and all(getattr(doc, c) for c in self.true)
                and all(getattr(doc, c) is None for c in self.null)
                and all(getattr(doc, c) for c in self.nonempty))

    def condition(self):
        col = lambda name: getattr(Document, name)          # noqa: E731
        parts = [col(self.start).isnot(None)]
        if self.states is not None:
            parts.append(Document.state.in_(list(self.states)))
        if self.not_states:
            parts.append(Document.state.notin_(list(self.not_states)))
        if self.disclosure is not None:
            parts.append(Document.disclosure == self.disclosure)
        parts += [col(c).is_(True) for c in self.true]
        parts += [col(c).is_(None) for c in self.null]
        parts += [col(c) != "" for c in self.nonempty]
        return and_(*parts)


RULES = {
    Clock.SEND_TO_OFFICE: ClockRule("office_clock_from", states=frozenset({State.DRAFT, State.RETURNED})),
    # (a conversion to 主动公开 starts it again once the principal signs it)
    Clock.PUBLISH: ClockRule("publish_clock_from", disclosure=Disclosure.PROACTIVE,
                             not_states=frozenset({State.PUBLISHED, State.ARCHIVED,
                                                   State.CONVERT_SIGN})),
    Clock.INTERPRETATION: ClockRule("published_on", states=frozenset({State.PUBLISHED}),
                                    nonempty=("interpretation_html",),
                                    null=("interpretation_published_on",)),
    Clock.POST_HOC_REVIEW: ClockRule("post_hoc_from", null=("post_hoc_done_at",)),
    Clock.DECISION: ClockRule("decision_date", true=("is_decision",),
                              not_states=frozenset({State.PUBLISHED})),
}


def _start(doc, clock):
    rule = RULES[clock]
    return getattr(doc, rule.start) if rule.runs(doc) else None


TRACKED = tuple(Clock)


def owed_by(doc, clock):
    if clock == Clock.POST_HOC_REVIEW:          # drafter first, then the leaders in turn
        return {State.REVIEW_DIVISION: Role.DIVISION_HEAD,
                State.REVIEW_PRINCIPAL: Role.PRINCIPAL}.get(doc.state, Role.DRAFTER)
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
    rule = RULES[clock]
    return and_(rule.condition(), getattr(Document, rule.start) < overdue_cutoff(clock, today))


def running_filter(clock):
    return RULES[clock].condition()

