"""The Chinese working-day calendar: real 2025/2026 schedules, make-up workdays, a year the
package does not cover, the admin's entries beating the package, the admin screen and the CLI."""
import json
from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError

from reviewtool.calendar import entry as workdays
from reviewtool.calendar.entry import DayEntry
from reviewtool.calendar.workdays import (WorkCalendar, invalidate, add_working_days, is_working_day,
                                          unmaintained_years, working_days_between)
from reviewtool.models import CalendarDay, CalendarYear

D = date


def days(first, last):
    return [first + timedelta(n) for n in range((last - first).days + 1)]


def save(year, lines, maintained=True, user=None, db=None):
    entries, errors = workdays.parse_lines(lines, year)
    assert not errors
    version = workdays.save_year(year, entries, maintained=maintained, user=user, source="测试")
    db.session.commit()
    return version


# --- the real schedules (国务院办公厅 notices for 2025 and 2026) ---------------------------
OFFICIAL = {
    # year: (days off on weekdays or weekends, make-up workdays on weekends)
    "2025 春节": (days(D(2025, 1, 28), D(2025, 2, 4)), [D(2025, 1, 26), D(2025, 2, 8)]),
    "2025 国庆节、中秋节": (days(D(2025, 10, 1), D(2025, 10, 8)), [D(2025, 9, 28), D(2025, 10, 11)]),
    "2026 元旦": (days(D(2026, 1, 1), D(2026, 1, 3)), [D(2026, 1, 4)]),
    "2026 春节": (days(D(2026, 2, 15), D(2026, 2, 23)), [D(2026, 2, 14), D(2026, 2, 28)]),
    "2026 国庆节": (days(D(2026, 10, 1), D(2026, 10, 7)), [D(2026, 9, 20), D(2026, 10, 10)]),
}


@pytest.mark.parametrize("name", OFFICIAL)
def test_official_holiday_weeks_and_make_up_days(app, name):
    off, make_up = OFFICIAL[name]
    for day in off:
        assert not is_working_day(day), day
        assert not chinese_calendar.is_workday(day)          # the package agrees
    for day in make_up:
        assert day.weekday() >= 5, "a make-up workday falls on a weekend"
        assert is_working_day(day), day
        assert chinese_calendar.is_workday(day)
    assert is_working_day(off[-1] + timedelta(1))          # back to work the day after


def test_calendar_matches_the_package_every_day_of_2025_and_2026(app):
    for day in days(D(2025, 1, 1), D(2026, 12, 31)):
        assert is_working_day(day) == chinese_calendar.is_workday(day), day


@pytest.mark.parametrize("start, n, expected", [
    (D(2025, 1, 24), 1, D(2025, 1, 26)),    # Fri → Sun 26 Jan, the make-up workday before 春节
    (D(2025, 1, 24), 2, D(2025, 1, 27)),
    (D(2025, 1, 27), 1, D(2025, 2, 5)),     # 28 Jan – 4 Feb off
    (D(2025, 1, 27), 3, D(2025, 2, 7)),     # urgent document: 3 working days
    (D(2025, 1, 27), 4, D(2025, 2, 8)),     # Sat 8 Feb counts: make-up workday
    (D(2025, 9, 26), 1, D(2025, 9, 28)),    # Sun 28 Sep make-up workday
    (D(2025, 9, 26), 20, D(2025, 10, 30)),  # 20 working days over 国庆节 (1–8 Oct off, Sat 11 Oct on)
    (D(2025, 9, 30), 1, D(2025, 10, 9)),
    (D(2026, 2, 13), 1, D(2026, 2, 14)),    # Sat 14 Feb 2026 make-up workday
    (D(2026, 2, 13), 2, D(2026, 2, 24)),    # 15–23 Feb off
    (D(2026, 2, 13), 10, D(2026, 3, 5)),    # Sat 28 Feb counted on the way
    (D(2026, 9, 30), 1, D(2026, 10, 8)),    # 1–7 Oct off
    (D(2026, 9, 30), 3, D(2026, 10, 10)),   # Sat 10 Oct make-up workday
    (D(2026, 11, 2), 20, D(2026, 11, 30)),
    (D(2025, 2, 10), 0, D(2025, 2, 10)),    # n == 0: the day itself
    (D(2025, 2, 10), -3, D(2025, 2, 6)),    # n < 0: the 3rd working day before (Sat 8 Feb counts)
    (D(2025, 2, 5), -1, D(2025, 1, 27)),
])
def test_add_working_days(app, start, n, expected):
    result = add_working_days(start, n)
    assert result.date == expected
    assert not result.uncertain and result.warning == ""
    if n >= 0:
        assert working_days_between(start, expected).count == n


def test_working_days_between_convention(app):
    # (d1, d2]: d1 never counts, d2 does
    assert working_days_between(D(2025, 1, 27), D(2025, 2, 5)).count == 1
    assert working_days_between(D(2025, 10, 1), D(2025, 10, 8)).count == 0   # all holiday
    assert working_days_between(D(2025, 9, 26), D(2025, 10, 11)).count == 6
    assert working_days_between(D(2025, 3, 3), D(2025, 3, 3)).count == 0
    assert working_days_between(D(2025, 10, 11), D(2025, 9, 26)).count == -6  # reversed: negative
    # a datetime is taken by its date
    assert add_working_days(datetime(2025, 1, 27, 16, 30), 1).date == D(2025, 2, 5)


def test_a_make_up_saturday_is_a_working_day(app):
    saturday = D(2025, 2, 8)
    assert saturday.weekday() == 5 and is_working_day(saturday)
    assert not is_working_day(D(2025, 2, 15))              # an ordinary Saturday is not
    # Fri 7 Feb → next working day is that Saturday, not Monday 10 Feb
    assert add_working_days(D(2025, 2, 7), 1).date == saturday
    assert working_days_between(D(2025, 2, 7), D(2025, 2, 10)).count == 2


def test_year_boundary_into_an_uncovered_year_counts_weekdays_and_warns(app):
    with pytest.raises(NotImplementedError):                # the package alone would fail
        chinese_calendar.is_workday(D(2027, 1, 4))
    result = add_working_days(D(2026, 12, 15), 20)
    # 12 working days left in December 2026, then Fri 1 Jan 2027 is counted as a plain weekday
    assert result.date == D(2027, 1, 12)
    assert result.unmaintained_years == {2027} and result.uncertain
    assert "日历未维护" in result.warning and "2027年" in result.warning
    count = working_days_between(D(2026, 12, 15), D(2027, 1, 12))
    assert count.count == 20 and count.unmaintained_years == {2027}
    assert unmaintained_years(D(2026, 12, 1), D(2027, 1, 5)) == {2027}
    assert unmaintained_years(D(2026, 1, 1), D(2026, 12, 31)) == set()
    # a deadline entirely inside 2026 is not flagged
    assert not add_working_days(D(2026, 12, 1), 20).uncertain
    # only years the computation reached are reported
    assert add_working_days(D(2026, 12, 30), 1).date == D(2026, 12, 31)
    assert not add_working_days(D(2026, 12, 30), 1).uncertain


def test_entered_days_beat_the_package(app, db, users):
    # Suppose the State Council adds Thu 8 Oct 2026 as a day off, and Sat 10 Oct is no longer
    # a make-up workday: entered days win over the package, the rest of the package still holds.
    save(2026, "2026-10-08 holiday 国庆节（调整）\n2026-10-10 holiday 国庆节（调整）",
         maintained=False, user=users["admin"], db=db)
    assert not is_working_day(D(2026, 10, 8)) and chinese_calendar.is_workday(D(2026, 10, 8))
    assert not is_working_day(D(2026, 10, 10))
    assert not is_working_day(D(2026, 10, 1))               # package holiday untouched
    assert is_working_day(D(2026, 9, 20))                   # package make-up day untouched
    assert add_working_days(D(2026, 9, 30), 1).date == D(2026, 10, 9)
    assert add_working_days(D(2026, 9, 30), 2).date == D(2026, 10, 12)
    # and the other way: a package holiday entered as a workday
    save(2026, "2026-10-07 workday 测试调整", maintained=False, user=users["admin"], db=db)
    assert is_working_day(D(2026, 10, 7))
    assert is_working_day(D(2026, 10, 8))                   # the earlier version is superseded


def test_entered_year_removes_the_warning(app, db, users):
    # Entries without the maintained mark are applied but the year is still flagged
    save(2027, "2027-01-01 holiday 元旦", maintained=False, user=users["admin"], db=db)
    partial = add_working_days(D(2026, 12, 15), 20)
    assert partial.date == D(2027, 1, 13) and partial.unmaintained_years == {2027}
    # marked maintained: the same entries, now certain (test data, not the official 2027 schedule)
    save(2027, "2027-01-01 holiday 元旦", maintained=True, user=users["admin"], db=db)
    result = add_working_days(D(2026, 12, 15), 20)
    assert result.date == D(2027, 1, 13) and not result.uncertain
    assert working_days_between(D(2026, 12, 31), D(2027, 1, 4)).count == 1


def test_saving_keeps_every_version_and_one_current_per_year(app, db, users):
    first = save(2027, "2027-01-01 holiday 元旦", user=users["admin"], db=db)
    assert workdays.save_year(2027, workdays.entries_of(first), maintained=True) is None  # unchanged
    second = save(2027, "2027-01-01 holiday 元旦\n2027-02-06 workday 春节调休",
                  user=users["admin"], db=db)
    db.session.expire_all()
    versions = db.session.scalars(select(CalendarYear).filter_by(year=2027).order_by(CalendarYear.id)).all()
    assert [v.id for v in versions] == [first.id, second.id]
    assert versions[0].superseded_at is not None and versions[1].is_current
    assert versions[1].replaces_id == first.id and versions[1].entered_by.username == "admin"
    assert db.session.query(CalendarDay).count() == 3       # the old version's day is still there
    assert workdays.current_version(2027).id == second.id
    db.session.add(CalendarYear(year=2027, maintained=True))   # a second current version
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_list_of_deadlines_loads_the_calendar_once(app, db, users):
    save(2027, "2027-01-01 holiday 元旦", user=users["admin"], db=db)
    invalidate()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        results = [add_working_days(D(2026, 1, 1) + timedelta(n), 20) for n in range(365)]
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) <= 2
    assert results[-1].date == D(2027, 1, 29) and not results[-1].uncertain


def test_package_only_calendar_needs_no_database():
    calendar = WorkCalendar()
    assert calendar.add_working_days(D(2025, 1, 24), 1).date == D(2025, 1, 26)
    assert calendar.add_working_days(D(2026, 12, 15), 20).unmaintained_years == {2027}


def test_parse_lines_reports_each_faulty_line_in_chinese():
    entries, errors = workdays.parse_lines(
        "2027-01-01 holiday 元旦\n"
        "2027-02-05 至 2027-02-11 放假 春节\n"
        "# 备注行\n"
        "2027-02-06 班 春节调休\n"
        "2028-01-01 holiday\n"
        "2027-13-01 holiday\n"
        "2027-01-02\n"
        "2027-01-03 休假日子\n"
        "2027-02-20~2027-02-18 holiday 倒序\n", 2027)
    assert errors == [
        "第4行：2027-02-06 与第2行重复",
        "第5行：2028-01-01 不在2027年内",
        "第6行：日期“2027-13-01”不存在",
        "第7行：缺少类型，应为 holiday（放假）或 workday（调休上班）",
        "第8行：类型“休假日子”无法识别，应为 holiday（放假）或 workday（调休上班）",
        "第9行：结束日期早于开始日期",
    ]
    assert DayEntry(D(2027, 2, 5), "holiday", "春节") in entries and len(entries) == 10
    assert workdays.format_lines([e for e in entries if e.date.month == 2 and e.kind == "holiday"]) \
        == "2027-02-05~2027-02-11 holiday 春节"


# --- the admin screen ---------------------------------------------------------------------
VALID_2027 = ("2027-01-01 holiday 元旦\n"
              "2027-02-05~2027-02-11 holiday 春节（测试数据）\n"
              "2027-02-14 workday 春节调休（测试数据）\n")


def test_only_the_admin_reaches_the_calendar(browser, users):
    assert browser("office").get("/admin/calendar").status_code == 403
    assert browser("drafter").get("/admin/calendar/2027").status_code == 403
    page = browser("admin").get("/admin/users").get_data(True)
    assert "/admin/calendar" in page and "节假日与调休安排" in page


def test_admin_list_shows_each_years_status(browser, users):
    page = browser("admin").get("/admin/calendar").get_data(True)
    assert page.count('id="year-') >= 3
    year = date.today().year
    for y in (year - 1, year, year + 1):
        assert f'id="year-{y}"' in page
    row_2026 = page.split('id="year-2026"')[1].split("</tr>")[0]
    assert "软件包内置" in row_2026
    row_2027 = page.split('id="year-2027"')[1].split("</tr>")[0]
    assert "日历未维护" in row_2027


def test_admin_enters_a_year_errors_in_place_nothing_lost(browser, users, db):
    admin = browser("admin")
    page = admin.get("/admin/calendar/2027").get_data(True)
    assert "2027年日历未维护" in page
    typed = VALID_2027 + "2027-02-30 holiday 错误日期\n2027-03-01 xyz\n"
    response = admin.post("/admin/calendar/2027", dict(days=typed, note="测试", maintained="y"))
    assert response.status_code == 422
    page = response.get_data(True)
    assert "第4行：日期“2027-02-30”不存在" in page
    assert "第5行：类型“xyz”无法识别" in page
    assert "2027-02-05~2027-02-11 holiday 春节（测试数据）" in page      # what was typed is back
    assert "2027-03-01 xyz" in page and 'value="测试"' in page
    assert db.session.query(CalendarYear).count() == 0

    response = admin.post("/admin/calendar/2027", dict(days="", maintained="y"))
    assert response.status_code == 422 and "请先录入该年的放假日期" in response.get_data(True)

    response = admin.post("/admin/calendar/2027",
                          dict(days=VALID_2027, note="测试数据", maintained="y"))
    assert response.status_code == 302, response.get_data(True)
    version = workdays.current_version(2027)
    assert version.maintained and version.entered_by.username == "admin"
    assert version.source == "管理页面" and len(version.days) == 9
    invalidate()              # this test's own context had no request of its own
    assert add_working_days(D(2027, 2, 4), 1).date == D(2027, 2, 12)
    assert add_working_days(D(2027, 2, 12), 1).date == D(2027, 2, 14)   # make-up Sunday
    assert not add_working_days(D(2026, 12, 15), 20).uncertain

    listing = admin.get("/admin/calendar").get_data(True)
    row = listing.split('id="year-2027"')[1].split("</tr>")[0]
    assert "已录入（已维护）" in row and "8 天" in row and "1 天" in row

    # editing again keeps the first version as history
    response = admin.post("/admin/calendar/2027",
                          dict(days=VALID_2027 + "2027-01-02 holiday 元旦\n", maintained="y"))
    assert response.status_code == 302
    page = admin.get("/admin/calendar/2027").get_data(True)
    assert "录入历史" in page and "（现行）" in page and "已被替换" in page
    assert db.session.query(CalendarYear).filter_by(year=2027).count() == 2


def test_admin_form_refuses_without_csrf(browser, users, db):
    admin = browser("admin")
    response = admin.post("/admin/calendar/2027", dict(days=VALID_2027), csrf=False)
    assert response.status_code == 400
    assert db.session.query(CalendarYear).count() == 0


def test_admin_can_start_from_the_package_and_override(browser, users, db):
    admin = browser("admin")
    page = admin.get("/admin/calendar/2026?from=package").get_data(True)
    assert "2026-02-15~2026-02-23 holiday 春节" in page
    assert "2026-02-14 workday 春节调休" in page
    assert "软件包内置的2026年安排" in page
    response = admin.post("/admin/calendar/2026",
                          dict(days="2026-10-08 holiday 国庆节（调整）", maintained=""))
    assert response.status_code == 302
    invalidate()
    assert not is_working_day(D(2026, 10, 8))
    assert add_working_days(D(2026, 9, 30), 1).date == D(2026, 10, 9)
    row = admin.get("/admin/calendar").get_data(True).split('id="year-2026"')[1].split("</tr>")[0]
    assert "软件包内置，另有录入 1 天" in row


# --- flask load-holidays ------------------------------------------------------------------
def test_cli_loads_a_csv_and_marks_the_year_maintained(app, db, users, tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text("date,kind,name\n"
                    "2027-01-01,holiday,元旦\n"
                    "2027-02-05~2027-02-11,holiday,春节（测试数据）\n"
                    "# a comment\n"
                    "2027-02-14,workday,春节调休（测试数据）\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["load-holidays", str(path), "--user", "admin",
                                                "--note", "测试依据"])
    assert result.exit_code == 0, result.output
    assert "2027年：已导入放假 8 天、调休上班 1 天，已标记为已维护。" in result.output
    version = workdays.current_version(2027)
    assert version.maintained and version.note == "测试依据"
    assert version.entered_by.username == "admin" and version.source == "命令行导入：2027.csv"
    result = add_working_days(D(2026, 12, 15), 20)
    assert result.date == D(2027, 1, 13) and not result.uncertain
    assert is_working_day(D(2027, 2, 14))                   # a Sunday make-up workday

    again = app.test_cli_runner().invoke(args=["load-holidays", str(path)])
    assert again.exit_code == 0 and "内容没有变化" in again.output


def test_cli_loads_json_for_several_years_and_merges(app, db, users, tmp_path):
    save(2028, "2028-01-03 holiday 元旦（测试数据）", db=db)
    path = tmp_path / "days.json"
    path.write_text(json.dumps({
        "2027": [{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}],
        "2028": [{"date": "2028-01-29", "kind": "workday", "name": "春节调休"}],
    }, ensure_ascii=False), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["load-holidays", str(path), "--merge"])
    assert result.exit_code == 0, result.output
    assert [e.date for e in workdays.entries_of(workdays.current_version(2028))] \
        == [D(2028, 1, 3), D(2028, 1, 29)]
    assert workdays.current_version(2027).entered_by is None    # no --user: the command line
    assert unmaintained_years(D(2027, 1, 1), D(2028, 12, 31)) == set()


def test_cli_refuses_a_faulty_file_and_loads_nothing(app, db, users, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([
        {"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
        {"date": "2027-02-30", "kind": "holiday"},
        {"date": "2027-03-01", "kind": "rest"},
        {"date": "2027-01-01", "kind": "workday"},
    ]), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["load-holidays", str(path)])
    assert result.exit_code != 0
    assert "文件有误，未导入任何内容" in result.output
    assert "第2项：日期“2027-02-30”不存在" in result.output
    assert "第3项：类型“rest”无法识别" in result.output
    assert "第4项：2027-01-01 与第1项重复" in result.output
    assert db.session.query(CalendarYear).count() == 0
    bad_user = app.test_cli_runner().invoke(args=["load-holidays", str(path), "--user", "drafter"])
    assert bad_user.exit_code != 0 and "找不到系统管理员用户 drafter" in bad_user.output


def test_cli_help_documents_the_format(app):
    result = app.test_cli_runner().invoke(args=["load-holidays", "--help"])
    assert result.exit_code == 0
    assert "2027-02-05~2027-02-11,holiday,春节" in result.output and "JSON" in result.output


def test_admin_opens_another_year(browser, users):
    admin = browser("admin")
    response = admin.get("/admin/calendar/open?year=2030")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/calendar/2030")
    response = admin.get("/admin/calendar/open?year=abc", follow_redirects=True)
    assert "请输入 2000—2100 之间的年份" in response.get_data(True)
    assert admin.get("/admin/calendar/1999").status_code == 404


def test_admin_save_colliding_with_another_keeps_what_was_typed(browser, users, db, monkeypatch):
    def collide(*args, **kwargs):
        raise IntegrityError("INSERT INTO calendar_year", {}, Exception("unique"))
    monkeypatch.setattr(workdays, "save_year", collide)
    response = browser("admin").post("/admin/calendar/2027", dict(days=VALID_2027, maintained="y"))
    assert response.status_code == 409
    page = response.get_data(True)
    assert "其他人刚刚保存了该年度的日历" in page and "2027-02-14 workday 春节调休（测试数据）" in page
