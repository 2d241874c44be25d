"""Time as the tool keeps it: timestamps stored as naive UTC, dates counted in Beijing time."""
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
