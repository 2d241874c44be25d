"""三同步: interpretation material is signed off with its document and published within 3
working days after it."""
from datetime import date

from reviewtool.deadlines import open_clocks
from reviewtool.labels import Clock, Disclosure, Role, State
from reviewtool.models import Document, Event

from .test_workflow import form_for

INTERPRETATION = "本通知主要明确了政务公开培训的对象、内容和时间安排。"


def published_with_interpretation(db, browser):
    drafter = browser("drafter")
    drafter.post("/documents/new", form_for(Disclosure.PROACTIVE, intent="submit",
                                            interpretation_html=INTERPRETATION))
    doc = db.session.query(Document).one()
    assert doc.versions[0].interpretation_html == f"<p>{INTERPRETATION}</p>"   # versioned with it
    office, head, principal = browser("office"), browser("head"), browser("principal")
    office.post(f"/office/{doc.id}/pass")
    page = head.get(f"/documents/{doc.id}").get_data(True)
    assert "政策解读材料" in page and INTERPRETATION in page        # leaders see both in one step
    head.post(f"/review/{doc.id}/division_sign_off")
    principal.post(f"/review/{doc.id}/principal_sign_off")
    doc = db.session.get(Document, doc.id)
    doc.published_on, doc.state = date(2025, 9, 26), State.PUBLISHED.value   # published before 国庆
    doc.published_channel = "portal"
    db.session.commit()
    return doc


def test_interpretation_clock_and_registration(db, users, browser):
    doc = published_with_interpretation(db, browser)
    clock = next(c for c in open_clocks(doc, today=date(2025, 9, 29)) if c.clock == Clock.INTERPRETATION)
    assert clock.due == date(2025, 9, 30) and clock.owed_by == Role.DRAFTER   # Sun 9/28 a make-up day
    office = browser("office")
    queue = office.get("/publishing/").get_data(True)
    assert 'id="interpretation-queue"' in queue and doc.title in queue
    bad = office.post(f"/publishing/{doc.id}/interpretation", {"published_on": "", "channel": "portal"})
    assert bad.status_code == 422 and "请填写发布日期" in bad.get_data(True)
    ok = browser("drafter").post(f"/publishing/{doc.id}/interpretation", {
        "published_on": "2025-09-30", "channel": "portal", "url": "https://jtj.example.gov.cn/jd/1.html"})
    assert ok.status_code == 302
    doc = db.session.get(Document, doc.id)
    assert doc.interpretation_published_on == date(2025, 9, 30)
    assert Clock.INTERPRETATION not in [c.clock for c in open_clocks(doc)]
    assert db.session.query(Event).filter_by(document_id=doc.id,
                                             action="mark_interpretation_published").count() == 1
    again = office.post(f"/publishing/{doc.id}/interpretation", {
        "published_on": "2025-10-09", "channel": "portal", "url": "https://jtj.example.gov.cn/jd/2.html"})
    assert again.status_code == 422 and "已于2025-09-30登记发布" in again.get_data(True)


def test_interpretation_registration_refused_for_others(db, users, browser, make_document):
    doc = published_with_interpretation(db, browser)
    for who in ("head", "principal", "colleague"):
        response = browser(who).post(f"/publishing/{doc.id}/interpretation", {
            "published_on": "2025-09-30", "channel": "portal", "url": "https://a.example.gov.cn/x"})
        assert response.status_code == 403                  # they see it, may not register it
    plain = make_document(State.PUBLISH_QUEUE)
    plain.state = State.PUBLISHED.value
    db.session.commit()
    response = browser("office").post(f"/publishing/{plain.id}/interpretation", {
        "published_on": "2025-09-30", "channel": "portal", "url": "https://a.example.gov.cn/x"})
    assert response.status_code == 422 and "没有解读材料" in response.get_data(True)
