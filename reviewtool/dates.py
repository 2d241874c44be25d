"""Time as the tool keeps it: timestamps stored as naive UTC, dates counted in Beijing time."""
from calendar import monthrange
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def utcnow():
    """Timestamps are stored as naive UTC."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def to_local(value):
    """A stored (naive UTC) timestamp in Beijing time, for display and for working-day dates."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc).astimezone(LOCAL_TZ)


def local_today():
    return datetime.now(LOCAL_TZ).date()


def add_months(day, months):
    """The same day ``months`` later; the month's last day where it has no such day (e.g. 31 Jan
    + 1 month = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, monthrange(year, month + 1)[1]))
