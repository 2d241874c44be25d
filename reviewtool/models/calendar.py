"""The working-day calendar (节假日与调休安排) as the admin entered it, year by year."""
from sqlalchemy import UniqueConstraint

from ..dates import utcnow
from ..labels import DayKind
from .base import db, enum_column

_CURRENT = db.text("superseded_at IS NULL")


class CalendarYear(db.Model):
    """One saved version of a year's holiday calendar, as the admin entered or loaded it.

    Saving a year again does not rewrite or delete anything: the version in force gets
    ``superseded_at`` and the new version (``replaces_id`` pointing back) becomes current.
    At most one version per year is current (partial unique index).  A year's days are the
    ``CalendarDay`` rows of its current version.  ``maintained`` says the admin checked the
    year is complete; a year neither maintained nor covered by the chinese-calendar package
    is counted as plain Monday–Friday and flagged 日历未维护.
    """
    __table_args__ = (
        db.Index("uq_calendar_year_current_year", "year", unique=True,
                 sqlite_where=_CURRENT, postgresql_where=_CURRENT),
    )

    id = db.Column(db.Integer, primary_key=True)
    year = db.Column(db.Integer, nullable=False)
    maintained = db.Column(db.Boolean, nullable=False, default=False)
    note = db.Column(db.String(200), nullable=False, default="")     # e.g. 国办发明电〔2026〕X号
    source = db.Column(db.String(200), nullable=False, default="")   # 管理页面 / 命令行导入：FILE
    entered_by_id = db.Column(db.ForeignKey("user.id"))              # NULL: command line, no --user
    entered_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    replaces_id = db.Column(db.ForeignKey("calendar_year.id"))
    superseded_at = db.Column(db.DateTime)

    entered_by = db.relationship("User")
    replaces = db.relationship("CalendarYear", remote_side=[id])
    days = db.relationship("CalendarDay", back_populates="calendar_year",
                           order_by="CalendarDay.date")

    @property
    def is_current(self):
        return self.superseded_at is None

    def __repr__(self):
        return f"<CalendarYear {self.year} #{self.id}{'' if self.is_current else ' superseded'}>"


class CalendarDay(db.Model):
    """A day off (holiday) or a make-up workday (workday) of one saved calendar version.
    Entered days override the chinese-calendar package for that date.  Never updated."""
    __table_args__ = (UniqueConstraint("calendar_year_id", "date", name="calendar_year_date"),)

    id = db.Column(db.Integer, primary_key=True)
    calendar_year_id = db.Column(db.ForeignKey("calendar_year.id"), nullable=False, index=True)
    date = db.Column(db.Date, nullable=False, index=True)
    kind = enum_column(DayKind, "kind", length=10, nullable=False)
    name = db.Column(db.String(40), nullable=False, default="")      # e.g. 春节, 春节调休

    calendar_year = db.relationship("CalendarYear", back_populates="days")

    def __repr__(self):
        return f"<CalendarDay {self.date} {self.kind}>"
