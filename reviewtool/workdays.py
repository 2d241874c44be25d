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

Efficiency: the package's data is cached per year for the process; the admin's entries are
loaded once per app context (two small queries) into a ``WorkCalendar`` that keeps each
year as a sorted tuple of working-day ordinals, so each computation is a few binary searches.
``save_year`` drops the cached calendar of the current app context; other requests load
afresh anyway.  Deadlines computed on the fly therefore follow every change of the calendar.
"""
from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

import chinese_calendar
from chinese_calendar import constants as _cc
from flask import g, has_app_context
from sqlalchemy import select

from .labels import CALENDAR_UNMAINTAINED, DayKind

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


def package_entries(year):
    """The package's days of ``year`` as ``DayEntry`` rows with Chinese names (for the admin)."""
    def chinese(english):
        try:
            return _cc.Holiday(english).chinese
        except ValueError:
            return english
    entries = [DayEntry(d, DayKind.HOLIDAY.value, chinese(n))
               for d, n in _cc.holidays.items() if d.year == year]
    entries += [DayEntry(d, DayKind.WORKDAY.value, chinese(n) + "调休")
                for d, n in _cc.workdays.items() if d.year == year]
    return sorted(entries)


@dataclass(frozen=True)
class _Year:
    year: int
    days: tuple          # ordinals of the working days, ascending
    certain: bool


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
        from .extensions import db
        from .models import CalendarDay, CalendarYear
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
            data = self._years[year] = _Year(year, days, self.is_year_maintained(year))
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


# --- entering a year ---------------------------------------------------------------------
@dataclass(frozen=True, order=True)
class DayEntry:
    date: dt.date
    kind: str            # DayKind value
    name: str = ""


MAX_NAME = 40
MAX_RANGE_DAYS = 31
KIND_WORDS = {
    DayKind.HOLIDAY: ("holiday", "休", "假", "放假", "休息", "节假日", "休假"),
    DayKind.WORKDAY: ("workday", "班", "上班", "补班", "调休", "调休上班", "工作日"),
}
_KINDS = {word: kind.value for kind, words in KIND_WORDS.items() for word in words}
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_RANGE = re.compile(r"(\d日?)\s*(?:~|～|\.\.|至|到)\s*(\d)")    # only between two dates
KIND_HINT = "holiday（放假）或 workday（调休上班）"


def _line_number(error):
    match = re.match(r"第(\d+)", error)
    return int(match.group(1)) if match else 0


def parse_date(text):
    """``2027-01-01`` (also 2027/1/1, 2027年1月1日) → date; raises ValueError with a Chinese message."""
    text = (text or "").strip()
    match = _DATE.fullmatch(text)
    if not match:
        raise ValueError(f"无法识别日期“{text}”，请写成 2027-01-01 的格式")
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError:
        raise ValueError(f"日期“{text}”不存在") from None


def parse_entry(date_text, kind_text, name="", where=""):
    """One line or record → (entries, errors).  ``date_text`` may be a range ``A~B``."""
    prefix = f"{where}：" if where else ""
    date_text = _RANGE.sub(r"\1~\2", str(date_text or "").strip())
    kind = _KINDS.get(str(kind_text or "").strip().lower())
    name = str(name or "").strip()
    errors = []
    try:
        parts = [parse_date(p) for p in date_text.split("~", 1)] if date_text else None
        if parts is None:
            errors.append(f"{prefix}缺少日期")
    except ValueError as error:
        errors.append(f"{prefix}{error}")
        parts = None
    if not str(kind_text or "").strip():
        errors.append(f"{prefix}缺少类型，应为 {KIND_HINT}")
    elif kind is None:
        errors.append(f"{prefix}类型“{str(kind_text).strip()}”无法识别，应为 {KIND_HINT}")
    if len(name) > MAX_NAME:
        errors.append(f"{prefix}名称不能超过{MAX_NAME}个字")
    if parts and len(parts) == 2:
        first, last = parts
        if last < first:
            errors.append(f"{prefix}结束日期早于开始日期")
        elif (last - first).days >= MAX_RANGE_DAYS:
            errors.append(f"{prefix}一行的日期范围不能超过{MAX_RANGE_DAYS}天")
    if errors:
        return [], errors
    first, last = parts[0], parts[-1]
    return [DayEntry(first + dt.timedelta(days=i), kind, name)
            for i in range((last - first).days + 1)], []


def check_entries(located, year=None):
    """Errors for duplicate dates and (when ``year`` is given) dates outside that year.
    ``located`` is a list of (where, DayEntry)."""
    errors, seen = [], {}
    for where, entry in located:
        if year is not None and entry.date.year != year:
            errors.append(f"{where}：{entry.date.isoformat()} 不在{year}年内")
        elif entry.date in seen:
            errors.append(f"{where}：{entry.date.isoformat()} 与{seen[entry.date]}重复")
        else:
            seen[entry.date] = where
    return errors


def parse_lines(text, year=None):
    """The admin's textarea: one ``日期 类型 名称`` per line, e.g. ``2027-01-01 holiday 元旦`` or
    ``2027-02-05~2027-02-11 holiday 春节``; blank lines and lines starting with # are ignored.
    Returns (entries, errors); the errors name their line (第N行)."""
    located, errors = [], []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = _RANGE.sub(r"\1~\2", raw.strip().replace("\u3000", " "))
        if not line or line.startswith("#"):
            continue
        parts = re.split(r"[\s,，、;；]+", line, maxsplit=2)
        parts += [""] * (3 - len(parts))
        where = f"第{number}行"
        entries, line_errors = parse_entry(parts[0], parts[1], parts[2], where)
        errors += line_errors
        located += [(where, e) for e in entries]
    errors = sorted(errors + check_entries(located, year), key=_line_number)
    return sorted(e for _, e in located), errors


def format_lines(entries):
    """Entries → textarea text; consecutive days of one kind and name become a range."""
    lines, run = [], []

    def flush():
        if run:
            first, last = run[0], run[-1]
            dates = first.date.isoformat() + (f"~{last.date.isoformat()}" if last is not first else "")
            lines.append(f"{dates} {first.kind} {first.name}".rstrip())
    for entry in sorted(entries):
        if run and (entry.kind, entry.name) == (run[-1].kind, run[-1].name) \
                and entry.date - run[-1].date == dt.timedelta(days=1):
            run.append(entry)
        else:
            flush()
            run = [entry]
    flush()
    return "\n".join(lines)


def current_version(year):
    from .extensions import db
    from .models import CalendarYear
    return db.session.scalar(select(CalendarYear).where(CalendarYear.year == year,
                                                        CalendarYear.superseded_at.is_(None)))


def entries_of(version):
    return sorted(DayEntry(d.date, d.kind, d.name) for d in version.days) if version else []


def save_year(year, entries, *, maintained, note="", user=None, source=""):
    """Make ``entries`` the current calendar of ``year``: a new ``CalendarYear`` version; the
    previous one is marked superseded, never deleted.  Returns the new version, or None when
    nothing changed.  The caller commits (an IntegrityError means someone saved the same year
    at the same moment)."""
    from .extensions import db
    from .models import CalendarDay, CalendarYear, utcnow
    entries = sorted(entries)
    note = (note or "").strip()
    current = current_version(year)
    if current is not None and (entries_of(current), current.maintained, current.note) \
            == (entries, bool(maintained), note):
        return None
    now = utcnow()
    if current is not None:
        current.superseded_at = now
        db.session.flush()       # the old version stops being current before the new one exists
    version = CalendarYear(year=year, maintained=bool(maintained), note=note, source=source,
                           entered_by=user, entered_at=now, replaces=current)
    version.days = [CalendarDay(date=e.date, kind=e.kind, name=e.name) for e in entries]
    db.session.add(version)
    db.session.flush()
    invalidate()
    return version


# --- what the admin sees ------------------------------------------------------------------
@dataclass(frozen=True)
class YearStatus:
    year: int
    version: object = None         # the current CalendarYear, or None

    @property
    def package_covered(self):
        return self.year in PACKAGE_YEARS

    @property
    def maintained(self):
        return self.package_covered or bool(self.version and self.version.maintained)

    @property
    def entered(self):
        return self.version is not None

    def count(self, kind):
        return sum(1 for d in self.version.days if d.kind == kind) if self.version else 0

    @property
    def label(self):
        if self.package_covered:
            return "软件包内置" + (f"，另有录入 {len(self.version.days)} 天" if self.version else "")
        if self.maintained:
            return "已录入（已维护）"
        if self.version:
            return f"{CALENDAR_UNMAINTAINED}（已录入 {len(self.version.days)} 天，尚未标记为已维护）"
        return CALENDAR_UNMAINTAINED


def year_statuses(around=None):
    """The years to show the admin: last year to next year, and every year ever entered."""
    from .extensions import db
    from .models import CalendarYear
    today = around or dt.date.today()
    current = {v.year: v for v in db.session.scalars(
        select(CalendarYear).where(CalendarYear.superseded_at.is_(None)))}
    entered = set(db.session.scalars(select(CalendarYear.year).distinct()))
    years = set(range(today.year - 1, today.year + 2)) | entered
    return [YearStatus(y, current.get(y)) for y in sorted(years)]
