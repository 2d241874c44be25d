"""Entering a year's holidays and make-up workdays (节假日与调休安排): parsing what the admin
types or loads, saving it as a new version of the year, and what the admin's screens show.
The maths of working days is in ``calendar.workdays``."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from chinese_calendar import constants as _cc
from sqlalchemy import select

from ..dates import utcnow
from ..extensions import db
from ..labels import CALENDAR_UNMAINTAINED, DayKind
from ..models import CalendarDay, CalendarYear
from .workdays import PACKAGE_YEARS, invalidate

@dataclass(frozen=True, order=True)
class DayEntry:
    date: dt.date
    kind: str            # DayKind value
    name: str = ""


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


MAX_NAME = 40
MAX_RANGE_DAYS = 31
KIND_WORDS = {
    DayKind.HOLIDAY: ("holiday", "休", "假", "放假", "休息", "节假日", "休假"),
    DayKind.WORKDAY: ("workday", "班", "上班", "补班", "调休", "调休上班", "工作日"),
}
_KINDS = {word: kind.value for kind, words in KIND_WORDS.items() for word in words}
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_RANGE = re.compile(r"(\d日?)\s*(?:~|～|\.\.|至|到)\s*(\d)")    # only between two dates
KIND_HINT = f"holiday（{DayKind.HOLIDAY.label}）或 workday（{DayKind.WORKDAY.label}）"


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


def holidays_required(year, maintained, entries, has_errors=False):
    """A year the package does not cover may be marked maintained only with its holidays entered."""
    if (maintained and year not in PACKAGE_YEARS and not has_errors
            and not any(e.kind == DayKind.HOLIDAY.value for e in entries)):
        return f"{year}年不在软件包覆盖范围内：标记为已维护前，请先录入该年的放假日期。"
    return ""


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
    return db.session.scalar(select(CalendarYear).where(CalendarYear.year == year,
                                                        CalendarYear.superseded_at.is_(None)))


def entries_of(version):
    return sorted(DayEntry(d.date, d.kind.value, d.name) for d in version.days) if version else []


def save_year(year, entries, *, maintained, note="", user=None, source=""):
    """Make ``entries`` the current calendar of ``year``: a new ``CalendarYear`` version; the
    previous one is marked superseded, never deleted.  Returns the new version, or None when
    nothing changed.  The caller commits (an IntegrityError means someone saved the same year
    at the same moment)."""
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
    today = around or dt.date.today()
    current = {v.year: v for v in db.session.scalars(
        select(CalendarYear).where(CalendarYear.superseded_at.is_(None)))}
    entered = set(db.session.scalars(select(CalendarYear.year).distinct()))
    years = set(range(today.year - 1, today.year + 2)) | entered
    return [YearStatus(y, current.get(y)) for y in sorted(years)]
