"""Chinese working days (工作日): "N working days after D" and "working days between D1 and D2".

Which days are working days
---------------------------
Weekends and statutory holidays are off; make-up workdays (调休上班, usually a Saturday or
Sunday) are on.  For each date the first source that knows it wins:

1. a day the admin entered (``CalendarDay`` of the year's current ``CalendarYear`` version);
2. the chinese-calendar package (``chinese_calendar``; 1.11.0 covers 2004–2026), with its
   default meaning: a make-up weekend workday is a working day;
3. otherwise Monday–Friday.  A year that is neither covered by the package nor marked
   maintained by the admin is *unmaintained*: its days are counted as plain weekdays and the
   year is reported in ``unmaintained_years`` of every result that touched it, so callers can
   show ``warning`` (“日历未维护……”).  Nothing is guessed silently.

Conventions
-----------
``add_working_days(d, n)``
    d itself never counts.  n > 0: the n-th working day after d (``add_working_days(Fri, 1)``
    is the next Monday when that is a working day).  n == 0: d.  n < 0: the |n|-th working day
    before d.  Returns ``WorkdayDate(date, unmaintained_years)``.
``working_days_between(d1, d2)``
    The working days in the half-open interval (d1, d2]: after d1, up to and including d2.
    0 when d1 == d2; negative (``-working_days_between(d2, d1)``) when d2 < d1.  So for n >= 0
    ``working_days_between(d, add_working_days(d, n).date).count == n``, and for a deadline
    ``due``, ``working_days_between(due, today).count > 0`` means overdue by that many working
    days.  Returns ``WorkdayCount(count, unmaintained_years)``.
``unmaintained_years`` of a result
    The unmaintained years of the dates the computation examined: (d, result] for n > 0,
    [result, d) for n < 0, (d1, d2] for a count.
``unmaintained_years(d1, d2)``
    The unmaintained years among all dates from d1 to d2, both included, in either order.
``is_working_day(d)``
    A plain bool; ask ``unmaintained_years(d, d)`` whether it rests on Monday–Friday only.

A ``datetime`` is reduced to its ``.date()`` as it is; the caller converts UTC timestamps to
local (Asia/Shanghai) time first where the day matters.

Entering a year's holidays (parsing, versions, what the admin sees) is in ``calendar.entry``.

Efficiency: the package's data is cached per year for the process; the admin's entries are
loaded once per app context (two small queries) into a ``WorkCalendar`` that keeps each
year as a sorted tuple of working-day ordinals, so each computation is a few binary searches.
``entry.save_year`` drops the cached calendar of the current app context; other requests load
afresh anyway.  Deadlines computed on the fly therefore follow every change of the calendar.
"""
from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

import chinese_calendar
from chinese_calendar import constants as _cc
from flask import g, has_app_context
from sqlalchemy import select

from ..extensions import db
from ..labels import CALENDAR_UNMAINTAINED, DayKind
from ..models import CalendarDay, CalendarYear

PACKAGE_YEARS = range(min(_cc.holidays).year, max(_cc.holidays).year + 1)
PACKAGE_LABEL = f"chinese_calendar {chinese_calendar.__version__}"
_G_KEY = "_work_calendar"


# --- results ----------------------------------------------------------------------------
class _Uncertain:
    unmaintained_years: frozenset

    @property
    def uncertain(self):
        return bool(self.unmaintained_years)

    @property
    def warning(self):
        """The Chinese warning to show next to the result, or "" when every year was known."""
        if not self.unmaintained_years:
            return ""
        return unmaintained_warning(self.unmaintained_years)


@dataclass(frozen=True)
class WorkdayDate(_Uncertain):
    date: dt.date
    unmaintained_years: frozenset = field(default_factory=frozenset)


@dataclass(frozen=True)
class WorkdayCount(_Uncertain):
    count: int
    unmaintained_years: frozenset = field(default_factory=frozenset)


def unmaintained_warning(years):
    """The “日历未维护” sentence for these years; empty when there are none."""
    if not years:
        return ""
    names = "、".join(f"{y}年" for y in sorted(years))
    return f"{CALENDAR_UNMAINTAINED}（{names}）：按周一至周五计算，未计节假日和调休，结果仅供参考。"


# --- the calendar ------------------------------------------------------------------------
@lru_cache(maxsize=None)
def _package_days(year):
    """{date: is_working_day} for the dates of ``year`` the package lists (holidays, make-up days)."""
    days = {d: False for d in _cc.holidays if d.year == year}
    days.update({d: True for d in _cc.workdays if d.year == year})   # the package's precedence
    return days


@dataclass(frozen=True)
class _Year:
    year: int
    days: tuple          # ordinals of the working days, ascending


def _as_date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"expected a date, got {type(value).__name__}")


class WorkCalendar:
    """Working days from the package plus the admin's entries.  ``WorkCalendar()`` is the
    package alone; ``WorkCalendar.from_database()`` adds what the admin entered."""

    def __init__(self, entered=None, maintained=()):
        # entered: {year: {date: is_working_day}}; maintained: years the admin marked complete
        self._entered = {y: dict(days) for y, days in (entered or {}).items()}
        self._maintained = frozenset(maintained)
        self._years = {}

    @classmethod
    def from_database(cls):
        current = CalendarYear.superseded_at.is_(None)
        maintained = db.session.scalars(
            select(CalendarYear.year).where(current, CalendarYear.maintained.is_(True))).all()
        entered = {}
        rows = db.session.execute(select(CalendarDay.date, CalendarDay.kind)
                                  .join(CalendarDay.calendar_year).where(current)).all()
        for day, kind in rows:
            entered.setdefault(day.year, {})[day] = kind == DayKind.WORKDAY.value
        return cls(entered, maintained)

    # -- per year --------------------------------------------------------------------------
    def is_year_maintained(self, year):
        return year in PACKAGE_YEARS or year in self._maintained

    def _year(self, year):
        data = self._years.get(year)
        if data is None:
            if not 1 <= year <= 9999:
                raise OverflowError("超出可计算的日期范围。")
            known = dict(_package_days(year)) if year in PACKAGE_YEARS else {}
            known.update(self._entered.get(year, {}))
            first, last = dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
            days = tuple(o for o in range(first, last + 1)
                         if known.get(dt.date.fromordinal(o), (o - 1) % 7 < 5))   # ordinal 1 is a Monday
            data = self._years[year] = _Year(year, days)
        return data

    def _unmaintained(self, first_ordinal, last_ordinal):
        if first_ordinal > last_ordinal:
            return frozenset()
        first, last = dt.date.fromordinal(first_ordinal).year, dt.date.fromordinal(last_ordinal).year
        return frozenset(y for y in range(first, last + 1) if not self.is_year_maintained(y))

    # -- questions -------------------------------------------------------------------------
    def is_working_day(self, d):
        d = _as_date(d)
        days = self._year(d.year).days
        o = d.toordinal()
        i = bisect_left(days, o)
        return i < len(days) and days[i] == o

    def unmaintained_years(self, d1, d2):
        d1, d2 = sorted((_as_date(d1), _as_date(d2)))
        return self._unmaintained(d1.toordinal(), d2.toordinal())

    def add_working_days(self, d, n):
        d = _as_date(d)
        n = int(n)
        if n == 0:
            return WorkdayDate(d)
        o, year, remaining = d.toordinal(), d.year, abs(n)
        if n > 0:
            while True:
                days = self._year(year).days
                start = bisect_right(days, o)          # first working day after d (0 in later years)
                if remaining <= len(days) - start:
                    result = days[start + remaining - 1]
                    return WorkdayDate(dt.date.fromordinal(result), self._unmaintained(o + 1, result))
                remaining -= len(days) - start
                year += 1
        while True:
            days = self._year(year).days
            before = bisect_left(days, o)              # working days before d (all in earlier years)
            if remaining <= before:
                result = days[before - remaining]
                return WorkdayDate(dt.date.fromordinal(result), self._unmaintained(result, o - 1))
            remaining -= before
            year -= 1

    def working_days_between(self, d1, d2):
        d1, d2 = _as_date(d1), _as_date(d2)
        if d2 < d1:
            back = self.working_days_between(d2, d1)
            return WorkdayCount(-back.count, back.unmaintained_years)
        lo, hi = d1.toordinal(), d2.toordinal()
        count = 0
        for year in range(d1.year, d2.year + 1):
            days = self._year(year).days
            count += bisect_right(days, hi) - bisect_right(days, lo)
        return WorkdayCount(count, self._unmaintained(lo + 1, hi))


def current_calendar():
    """The calendar of this app context (loaded once; dropped by ``invalidate``)."""
    calendar = g.get(_G_KEY)
    if calendar is None:
        calendar = WorkCalendar.from_database()
        setattr(g, _G_KEY, calendar)
    return calendar


def invalidate():
    """Forget the loaded calendar, so the next question reads the database again."""
    if has_app_context():
        g.pop(_G_KEY, None)


def add_working_days(d, n):
    """The n-th working day after d (d not counted); see the module's conventions."""
    return current_calendar().add_working_days(d, n)


def working_days_between(d1, d2):
    """Working days after d1 up to and including d2 (negative when d2 < d1)."""
    return current_calendar().working_days_between(d1, d2)


def is_working_day(d):
    return current_calendar().is_working_day(d)


def unmaintained_years(d1, d2):
    """Unmaintained years among the dates d1..d2 (both included)."""
    return current_calendar().unmaintained_years(d1, d2)
