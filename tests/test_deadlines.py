"""Deadline clocks in Chinese working days, through the app; the urgent path end to end."""
from datetime import date, timedelta

from reviewtool.calendar import entry, workdays
from reviewtool.deadlines import open_clocks
from reviewtool.labels import Clock, Disclosure, Role, State
from reviewtool.dates import local_today
from reviewtool.models import Document

from .test_workflow import FORM, form_for


def clock(doc, kind, today):
    return next(c for c in open_clocks(doc, today) if c.clock == kind)


def test_send_to_office_clock_spans_the_2025_spring_festival(db, users, browser, make_document):
    doc = make_document(State.DRAFT)
    doc.office_clock_from = date(2025, 1, 24)          # Friday before 春节; Sun 1/26 is a make-up day
    db.session.commit()
    c = clock(doc, Clock.SEND_TO_OFFICE, today=date(2025, 2, 10))
    assert c.due == date(2025, 2, 13) and c.days_left == 3 and c.owed_by == Role.DRAFTER
    assert not c.warning
    page = browser("drafter").get(f"/documents/{doc.id}").get_data(True)
    assert "报送办公室" in page and "2025-02-13" in page and "已超期" in page     # it is long past
    listing = browser("drafter").get("/documents/?list=drafts").get_data(True)
    assert "2025-02-13" in listing and "期限" in listing


def test_send_to_office_clock_stops_on_submit_and_restarts_on_return(db, users, browser):
    drafter = browser("drafter")
    drafter.post("/documents/new", form_for(Disclosure.PROACTIVE, intent="submit"))
    doc = db.session.query(Document).one()
    assert doc.office_clock_from == local_today()
    assert Clock.SEND_TO_OFFICE not in [c.clock for c in open_clocks(doc)]
    browser("office").post(f"/office/{doc.id}/return", {"comment": "请补充附件。"})
    doc = db.session.get(Document, doc.id)
    assert [c.clock for c in open_clocks(doc)][:1] == [Clock.SEND_TO_OFFICE] or \
        Clock.SEND_TO_OFFICE in [c.clock for c in open_clocks(doc)]


def test_publish_clock_spans_national_day_2026_and_is_the_offices(db, users, browser, make_document):
    doc = make_document(State.OFFICE_CHECK)
    doc.publish_clock_from = date(2026, 9, 25)
    db.session.commit()
    c = clock(doc, Clock.PUBLISH, today=date(2026, 10, 29))
    assert c.due == date(2026, 10, 29) and c.days_left == 0 and c.owed_by == Role.OFFICE
    queue = browser("office").get("/office/").get_data(True)
    assert "主动公开发布" in queue and "2026-10-29" in queue
    withheld = make_document(State.OFFICE_CHECK, Disclosure.WITHHELD)
    assert Clock.PUBLISH not in [c.clock for c in open_clocks(withheld)]


def test_publish_clock_restarts_when_the_document_is_changed(db, users, browser):
    drafter = browser("drafter")
    drafter.post("/documents/new", form_for(Disclosure.PROACTIVE, intent="submit"))
    doc = db.session.query(Document).one()
    doc.publish_clock_from = date(2026, 1, 5)
    db.session.commit()
    browser("office").post(f"/office/{doc.id}/return", {"comment": "请修改。"})
    drafter.post(f"/documents/{doc.id}/edit", form_for(Disclosure.PROACTIVE, intent="submit"))
    assert db.session.get(Document, doc.id).publish_clock_from == local_today()


def test_decision_clock_seven_working_days_over_national_day_2025(db, users, browser):
    drafter = browser("drafter")
    response = drafter.post("/documents/new", form_for(Disclosure.PROACTIVE, intent="save",
                                                        is_decision="y", decision_date=""))
    assert response.status_code == 422 and "须填写决定日期" in response.get_data(True)
    drafter.post("/documents/new", form_for(Disclosure.PROACTIVE, intent="submit", is_decision="y",
                                            decision_date="2025-09-26"))
    doc = db.session.query(Document).one()
    c = clock(doc, Clock.DECISION, today=date(2025, 10, 1))
    assert c.due == date(2025, 10, 13) and c.owed_by == Role.OFFICE     # Sat 10/11 is a make-up day
    listed = browser("office").get("/office/documents?clock=decision&overdue=1").get_data(True)
    assert doc.title in listed                                           # 2025 is long past


def test_calendar_not_maintained_is_shown_not_guessed(db, users, browser, make_document, app):
    doc = make_document(State.OFFICE_CHECK)
    doc.publish_clock_from = date(2026, 12, 15)                          # 20 days reach into 2027
    db.session.commit()
    c = clock(doc, Clock.PUBLISH, today=date(2026, 12, 15))
    assert c.due == date(2027, 1, 12) and "日历未维护" in c.warning
    office = browser("office")
    assert "日历未维护" in office.get(f"/documents/{doc.id}").get_data(True)
    assert "2027-01-12" in office.get(f"/documents/{doc.id}").get_data(True)
    window = workdays.unmaintained_years(local_today(), local_today() + timedelta(days=60))
    dashboard = office.get("/office/dashboard").get_data(True)
    assert ("日历未维护" in dashboard) == bool(window)

    # The admin enters 2027: the deadline is recomputed and the warning goes.
    entries, errors = entry.parse_entry("2027-01-01", "holiday", "元旦")
    assert not errors
    entry.save_year(2027, entries, maintained=True, user=users["admin"], source="test")
    db.session.commit()
    workdays.invalidate()
    c = clock(db.session.get(Document, doc.id), Clock.PUBLISH, today=date(2026, 12, 15))
    assert c.due == date(2027, 1, 13) and not c.warning
    assert "日历未维护" not in office.get(f"/documents/{doc.id}").get_data(True)


def test_dashboard_counts_link_to_filtered_lists(db, users, browser, make_document):
    late = make_document(State.DRAFT)
    late.office_clock_from = date(2025, 3, 3)
    make_document(State.OFFICE_CHECK)
    make_document(State.ARCHIVED, Disclosure.WITHHELD)
    db.session.commit()
    office = browser("office")
    page = office.get("/office/dashboard").get_data(True)
    division = users["drafter"].division_id
    assert f"/office/documents?clock=send_to_office&amp;overdue=1&amp;division={division}" in page
    assert "/office/documents?state=office_check" in page and "/office/documents?disclosure=withheld" in page
    listed = office.get(f"/office/documents?clock=send_to_office&overdue=1&division={division}")
    assert listed.status_code == 200 and "共 0 件" in listed.get_data(True)   # drafts are private
    returned = make_document(State.OFFICE_CHECK)
    office.post(f"/office/{returned.id}/return", {"comment": "请修改"})
    doc = db.session.get(Document, returned.id)
    doc.office_clock_from = date(2025, 3, 3)
    db.session.commit()
    listed = office.get(f"/office/documents?clock=send_to_office&overdue=1&division={division}").get_data(True)
    assert "共 1 件" in listed and doc.title in listed
    by_state = office.get("/office/documents?state=archived").get_data(True)
    assert "共 1 件" in by_state


def test_urgent_path_end_to_end(db, users, browser):
    drafter, office, head, principal = (browser(u) for u in ("drafter", "office", "head", "principal"))
    # An urgent document goes up with its disclosure review pending ...
    response = drafter.post("/documents/new", dict(FORM, is_urgent="y", intent="submit"))
    assert response.status_code == 302, response.get_data(True)
    doc = db.session.query(Document).one()
    assert doc.state == State.OFFICE_CHECK.value and doc.post_hoc_from == local_today()
    c = clock(doc, Clock.POST_HOC_REVIEW, today=local_today())
    assert c.owed_by == Role.DRAFTER and c.due == workdays.add_working_days(local_today(), 3).date
    # ... the office may pass it, and does not bulk-return it ...
    assert "紧急件先行报送" in office.get("/office/").get_data(True)
    office.post("/office/return-untagged")
    assert db.session.get(Document, doc.id).state == State.OFFICE_CHECK.value
    assert office.post(f"/office/{doc.id}/pass").status_code == 302
    assert head.post(f"/review/{doc.id}/division_sign_off").status_code == 302
    assert principal.post(f"/review/{doc.id}/principal_sign_off").status_code == 302
    # ... but it is not queued or archived until its review is complete and signed off.
    doc = db.session.get(Document, doc.id)
    assert doc.state == State.REVIEW_PENDING.value
    assert 'id="publish-queue"' not in office.get("/publishing/").get_data(True)
    assert office.post(f"/publishing/{doc.id}/publish", {"published_on": "2026-11-20", "channel": "portal",
                                                         "url": "https://a.example.gov.cn/x"}).status_code == 409
    assert doc.title in drafter.get("/documents/?list=returned").get_data(True)

    form = drafter.get(f"/documents/{doc.id}/edit").get_data(True)
    assert 'name="title"' not in form and "补充公开属性审查" in form or "报送公开属性审查" in form
    refused = drafter.post(f"/documents/{doc.id}/edit", {"disclosure": "withheld", "intent": "submit",
                                                         "title": "改标题"}, htmx=True)
    assert refused.status_code == 422 and "须选择法律依据" in refused.get_data(True), refused.get_data(True)[:3000]
    assert db.session.get(Document, doc.id).title == FORM["title"]     # content stays as signed
    ok = drafter.post(f"/documents/{doc.id}/edit", {"disclosure": "proactive", "channels": ["portal"],
                                                    "intent": "submit"})
    assert ok.status_code == 302
    doc = db.session.get(Document, doc.id)
    assert doc.state == State.REVIEW_DIVISION.value
    assert clock(doc, Clock.POST_HOC_REVIEW, local_today()).owed_by == Role.DIVISION_HEAD
    assert doc.title in head.get("/documents/?list=inbox").get_data(True)
    assert head.post(f"/review/{doc.id}/division_sign_off").status_code == 302
    assert principal.post(f"/review/{doc.id}/principal_sign_off").status_code == 302
    doc = db.session.get(Document, doc.id)
    assert doc.state == State.PUBLISH_QUEUE.value and doc.post_hoc_done_at is not None
    assert Clock.POST_HOC_REVIEW not in [c.clock for c in open_clocks(doc)]
    actions = [e.action for e in doc.events]
    assert actions[-3:] == ["submit_review", "division_sign_off", "principal_sign_off"]


def test_overdue_post_hoc_review_is_flagged_to_the_office(db, users, browser):
    drafter = browser("drafter")
    drafter.post("/documents/new", dict(FORM, is_urgent="y", intent="submit"))
    doc = db.session.query(Document).one()
    doc.post_hoc_from = date(2025, 2, 5)
    db.session.commit()
    c = clock(doc, Clock.POST_HOC_REVIEW, today=date(2025, 2, 10))
    assert c.due == date(2025, 2, 8) and c.overdue                    # Sat 2/8 was a make-up workday
    office = browser("office")
    dashboard = office.get("/office/dashboard").get_data(True)
    assert "/office/documents?clock=post_hoc_review&amp;overdue=1" in dashboard
    listed = office.get("/office/documents?clock=post_hoc_review&overdue=1").get_data(True)
    assert doc.title in listed and "已超期" in listed
