"""定期评估审查 (条例第十八条): every document not (fully) disclosed carries a next re-review date;
the office lists what is due by division, records an outcome with a written reason, and a
conversion goes through the principal's sign-off into the publishing queue (保密审查, personal
data) like any document.  Driven through the app."""
from datetime import timedelta

from sqlalchemy import select

from reviewtool.dates import add_months, local_today
from reviewtool.labels import (Action, ConversionResult, Disclosure, LegalBasis, NoticeKind,
                               ReviewOutcome, State)
from reviewtool.models import CatalogueEntry, Document, Event, Notification, ReReview

GOOD_REASON = "相关项目已完成审批并向社会公布，原不予公开的理由已不存在，可以主动公开。"


def events(db, doc, action):
    return db.session.scalars(select(Event).filter_by(document_id=doc.id, action=action)
                              .order_by(Event.id)).all()


def test_sign_off_schedules_the_first_re_review(db, users, make_document):
    withheld = make_document(State.ARCHIVED, Disclosure.WITHHELD)
    on_request = make_document(State.ARCHIVED, Disclosure.ON_REQUEST)
    proactive = make_document(State.PUBLISH_QUEUE, Disclosure.PROACTIVE)
    today = local_today()
    for doc in (withheld, on_request):
        assert doc.signed_on == today
        assert (doc.review_from, doc.next_review_on) == (today, add_months(today, 12))
        assert not doc.next_review_by_hand
    assert proactive.next_review_on is None


def test_the_admin_sets_the_period_and_dates_follow_except_those_set_by_hand(
        db, users, browser, make_document):
    follows = make_document(State.ARCHIVED, Disclosure.WITHHELD)
    by_hand = make_document(State.ARCHIVED, Disclosure.ON_REQUEST)
    office = browser("office")
    chosen = local_today() + timedelta(days=40)
    assert office.post(f"/office/re-review/{by_hand.id}/date",
                       {"next_review_on": chosen.isoformat(), "remark": "结合专项检查安排"}).status_code == 302
    admin = browser("admin")
    for bad, message in (("0", "1至120"), ("121", "1至120"), ("abc", "请填写整数"), ("", "请填写月数"),
                         ("9" * 30, "1至120")):
        refused = admin.post("/admin/re-review", {"months": bad})
        assert refused.status_code == 422 and message in refused.get_data(True), bad
    saved = admin.post("/admin/re-review", {"months": "6"}, follow_redirects=True)
    assert saved.status_code == 200 and "已更新 1 件公文" in saved.get_data(True)
    db.session.expire_all()
    assert db.session.get(Document, follows.id).next_review_on == add_months(local_today(), 6)
    assert db.session.get(Document, by_hand.id).next_review_on == chosen
    change = db.session.scalars(select(Event).filter_by(action=Action.SETTING_CHANGE)).one()
    assert change.after == "定期评估审查周期（月）：6" and change.actor.username == "admin"
    assert office.get("/admin/re-review").status_code == 403


def test_the_screen_lists_what_is_due_by_division_and_date(db, users, divisions, browser,
                                                           make_document):
    today = local_today()
    docs = {}
    for name, division, days in (("late", "综合规划科", -20), ("soon", "综合规划科", 10),
                                 ("other", "运输管理科", -3), ("later", "综合规划科", 200)):
        doc = make_document(State.ARCHIVED, Disclosure.WITHHELD, title=f"评估{name}")
        doc.next_review_on = today + timedelta(days=days)
        doc.division_id = divisions[division].id
        docs[name] = doc
    db.session.commit()
    office = browser("office")
    page = office.get("/office/re-review").get_data(True)
    # grouped by division (in the database's order of names), by due date within each
    planning, transport = page.index("<h3>综合规划科</h3>"), page.index("<h3>运输管理科</h3>")
    late, soon, other = page.index("评估late"), page.index("评估soon"), page.index("评估other")
    assert planning < late < soon and transport < other
    assert (soon < transport) if planning < transport else (other < planning)
    assert "评估later" not in page                                  # not due within 30 days
    assert "已逾期20天" in page and "已逾期3天" in page
    overdue = office.get(f"/office/re-review?show=overdue&division={docs['late'].division_id}").get_data(True)
    assert "评估late" in overdue and "评估soon" not in overdue and "评估other" not in overdue
    everything = office.get("/office/re-review?show=all").get_data(True)
    assert "评估later" in everything
    assert office.get("/office/re-review?show=nonsense").status_code == 404
    assert office.get("/office/re-review?division=99999999999999999999").status_code == 200
    assert browser("principal").get("/office/re-review").status_code == 403


def test_keep_needs_a_real_reason_and_sets_the_next_date(db, users, browser, make_document):
    doc = make_document(State.ARCHIVED, Disclosure.WITHHELD)
    doc.next_review_on = local_today() - timedelta(days=5)
    db.session.commit()
    office = browser("office")
    refused = office.post(f"/office/re-review/{doc.id}/keep", {"comment": "维持"})
    assert refused.status_code == 422 and "评估理由过于笼统" in refused.get_data(True)
    assert "维持" in refused.get_data(True)                       # what was typed is still there
    empty = office.post(f"/office/re-review/{doc.id}/keep", {"comment": ""})
    assert empty.status_code == 422 and "请写明评估理由" in empty.get_data(True)
    reason = "附件仍含企业负责人的个人信息，公开会损害第三方合法权益，维持不予公开。"
    assert office.post(f"/office/re-review/{doc.id}/keep", {"comment": reason}).status_code == 302
    db.session.expire_all()
    doc = db.session.get(Document, doc.id)
    assert doc.state == State.ARCHIVED and doc.disclosure == Disclosure.WITHHELD
    assert doc.next_review_on == add_months(local_today(), 12)
    review = db.session.scalars(select(ReReview).filter_by(document_id=doc.id)).one()
    assert (review.outcome, review.reason, review.reviewed_by.username) == (ReviewOutcome.KEEP, reason, "office")
    assert review.from_disclosure == Disclosure.WITHHELD and review.from_legal_basis == LegalBasis.THIRD_PARTY
    kept = events(db, doc, Action.RE_REVIEW_KEEP)[0]
    assert kept.comment == reason and kept.after == f"下次评估审查：{doc.next_review_on}"
    history = office.get(f"/documents/{doc.id}/history").get_data(True)
    assert "定期评估审查：维持原公开属性" in history and reason in history


def test_conversion_to_proactive_end_to_end_into_the_publishing_queue(db, users, browser,
                                                                       make_document):
    doc = make_document(State.ARCHIVED, Disclosure.ON_REQUEST, doc_number="某交函〔2025〕8号",
                        body_html="<p>请与经办人联系，电话13812345678。</p>")
    office, principal, head = browser("office"), browser("principal"), browser("head")
    panel = office.get(f"/documents/{doc.id}").get_data(True)
    assert "定期评估审查" in panel

    no_channel = office.post(f"/office/re-review/{doc.id}/to_proactive", {"comment": GOOD_REASON})
    assert no_channel.status_code == 422 and "须选择至少一种公开方式" in no_channel.get_data(True)
    assert GOOD_REASON in no_channel.get_data(True)
    assert office.post(f"/office/re-review/{doc.id}/to_proactive",
                       {"comment": GOOD_REASON, "channels": ["portal", "bulletin"]}).status_code == 302
    db.session.expire_all()
    doc = db.session.get(Document, doc.id)
    assert doc.state == State.CONVERT_SIGN and doc.disclosure == Disclosure.PROACTIVE
    assert doc.legal_basis is None and doc.channels == "portal,bulletin"
    first, second = doc.versions[-2], doc.versions[-1]
    assert first.disclosure == Disclosure.ON_REQUEST and first.legal_basis == LegalBasis.NOT_PROACTIVE_SCOPE
    assert second.disclosure == Disclosure.PROACTIVE and second.created_by.username == "office"
    proposal = events(db, doc, Action.CONVERT_TO_PROACTIVE)[0]
    assert "公开属性：依申请公开" in proposal.before and "公开属性：主动公开" in proposal.after
    assert proposal.comment == GOOD_REASON
    assert doc.pending_conversion.outcome == ReviewOutcome.TO_PROACTIVE

    # the principal's inbox has it; the division head may not sign it
    inbox = principal.get("/documents/?list=inbox").get_data(True)
    assert doc.title in inbox
    assert head.post(f"/review/{doc.id}/principal_sign_off", {"comment": "同意"}).status_code == 403
    assert principal.post(f"/review/{doc.id}/principal_sign_off", {"comment": "同意转为主动公开。"}
                          ).status_code == 302
    db.session.expire_all()
    doc = db.session.get(Document, doc.id)
    assert doc.state == State.PUBLISH_QUEUE and doc.next_review_on is None
    assert doc.publish_clock_from == local_today()
    assert doc.catalogue is not None and doc.catalogue.formed_on == doc.signed_on
    review = db.session.scalars(select(ReReview).filter_by(document_id=doc.id)).one()
    assert review.result == ConversionResult.SIGNED and review.closed_by.username == "principal"
    assert doc.title in office.get("/publishing/").get_data(True)          # the publishing queue

    # like any document: not published before 保密审查 and the personal-data check
    published_on = local_today().isoformat()
    form = {"published_on": published_on, "channel": "portal", "url": "https://jtj.example.gov.cn/b.html"}
    assert office.post(f"/publishing/{doc.id}/publish", form).status_code == 422
    assert office.post(f"/publishing/{doc.id}/confidentiality/pass", {"comment": "不涉密。"}).status_code == 302
    pending_pii = office.post(f"/publishing/{doc.id}/publish", form)
    assert pending_pii.status_code == 422 and "疑似个人信息尚未处理" in pending_pii.get_data(True)
    assert office.post(f"/publishing/{doc.id}/pii", {"kind": "mobile", "value": "13812345678",
                                                     "decision": "redact"}).status_code == 302
    assert office.post(f"/publishing/{doc.id}/publish", form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Document, doc.id).state == State.PUBLISHED
    public = browser().get(f"/gk/{doc.id}")
    assert public.status_code == 200 and doc.title in public.get_data(True)
    assert "13812345678" not in public.get_data(True)
    actions = [e.action for e in db.session.get(Document, doc.id).events]
    assert actions[-5:] == [Action.CONVERT_TO_PROACTIVE, Action.PRINCIPAL_SIGN_OFF,
                            Action.CONFIDENTIALITY_PASS, Action.PII_RESOLVE, Action.MARK_PUBLISHED]
    assert Action.PRINCIPAL_SIGN_OFF in actions[:-5]               # its first sign-off stays too


def test_conversion_to_redacted_spans_marked_by_the_office(db, users, browser, make_document):
    doc = make_document(State.ARCHIVED, Disclosure.WITHHELD, doc_number="某交函〔2025〕9号",
                        body_html="<p>经检查，某公司负责人李四未按规定开展安全培训，责令限期整改。</p>")
    office, drafter, principal = browser("office"), browser("drafter"), browser("principal")
    reason = "检查结果已向社会通报，仅当事人姓名涉及个人隐私，删除后其余内容可以公开。"
    response = office.post(f"/office/re-review/{doc.id}/to_redacted", {"comment": reason, "channels": ["portal"]})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/documents/{doc.id}/redactions")
    db.session.expire_all()
    doc = db.session.get(Document, doc.id)
    assert doc.state == State.CONVERT_REDACT and doc.disclosure == Disclosure.REDACTED
    assert doc.legal_basis == LegalBasis.SEPARABLE and doc.reason_text == reason

    # who marks: the office, not the drafter (nor anyone else)
    span = {"text": "某公司负责人李四", "basis": "art15_third_party"}
    refused = drafter.post(f"/documents/{doc.id}/redactions", span)
    assert refused.status_code == 403
    assert principal.post(f"/documents/{doc.id}/redactions", span).status_code == 403
    # not sent to the principal without a span
    early = office.post(f"/office/conversion/{doc.id}/submit", {"comment": ""})
    assert early.status_code == 422 and "至少一处" in early.get_data(True)
    assert office.post(f"/documents/{doc.id}/redactions", span).status_code == 302
    added = events(db, doc, Action.REDACTION_ADD)[0]
    assert added.actor.username == "office"
    assert office.post(f"/office/conversion/{doc.id}/submit", {"comment": "删减内容已标注。"}).status_code == 302
    assert principal.post(f"/review/{doc.id}/principal_sign_off", {"comment": "同意"}).status_code == 302
    db.session.expire_all()
    doc = db.session.get(Document, doc.id)
    assert doc.state == State.PUBLISH_QUEUE                        # into the queue, not archived
    assert doc.next_review_on == add_months(local_today(), 12)     # still partly withheld
    assert doc.title in office.get("/publishing/").get_data(True)
    assert office.post(f"/publishing/{doc.id}/confidentiality/pass", {"comment": "不涉密。"}).status_code == 302
    assert office.post(f"/publishing/{doc.id}/publish", {
        "published_on": local_today().isoformat(), "channel": "portal",
        "url": "https://jtj.example.gov.cn/c.html"}).status_code == 302
    entry = db.session.scalars(select(CatalogueEntry).filter_by(document_id=doc.id)).one()
    assert "李四" not in entry.published_body_html and "■■■" in entry.published_body_html


def test_the_principal_refuses_and_the_original_attribute_returns(db, users, browser, make_document):
    doc = make_document(State.ARCHIVED, Disclosure.WITHHELD)
    office, principal = browser("office"), browser("principal")
    assert office.post(f"/office/re-review/{doc.id}/to_proactive",
                       {"comment": GOOD_REASON, "channels": ["portal"]}).status_code == 302
    no_comment = principal.post(f"/review/{doc.id}/conversion_refuse", {"comment": ""})
    assert no_comment.status_code == 422
    assert principal.post(f"/review/{doc.id}/conversion_refuse",
                          {"comment": "附件仍含个人信息，暂不公开。"}).status_code == 302
    db.session.expire_all()
    doc = db.session.get(Document, doc.id)
    assert doc.state == State.ARCHIVED and doc.disclosure == Disclosure.WITHHELD
    assert doc.legal_basis == LegalBasis.THIRD_PARTY and doc.channels == ""
    assert doc.next_review_on == add_months(local_today(), 12)
    review = db.session.scalars(select(ReReview).filter_by(document_id=doc.id)).one()
    assert review.result == ConversionResult.REFUSED
    told = db.session.scalars(select(Notification).filter_by(
        user_id=users["office"].id, kind=NoticeKind.RETURNED, document_id=doc.id)).one()
    assert "附件仍含个人信息，暂不公开。" in told.text
    assert [v.disclosure for v in doc.versions][-3:] == [Disclosure.WITHHELD, Disclosure.PROACTIVE,
                                                         Disclosure.WITHHELD]


def test_the_office_withdraws_a_conversion(db, users, browser, make_document):
    doc = make_document(State.ARCHIVED, Disclosure.ON_REQUEST)
    office = browser("office")
    assert office.post(f"/office/re-review/{doc.id}/to_redacted",
                       {"comment": GOOD_REASON, "channels": ["portal"]}).status_code == 302
    assert office.post(f"/office/conversion/{doc.id}/withdraw", {"comment": ""}).status_code == 422
    assert office.post(f"/office/conversion/{doc.id}/withdraw",
                       {"comment": "需进一步核实，暂缓转换。"}).status_code == 302
    db.session.expire_all()
    doc = db.session.get(Document, doc.id)
    assert doc.state == State.ARCHIVED and doc.disclosure == Disclosure.ON_REQUEST
    assert doc.pending_conversion is None
    assert doc.re_reviews[-1].result == ConversionResult.WITHDRAWN


def test_a_decision_published_flags_what_prepared_it(db, users, browser, make_document):
    request_doc = make_document(State.ARCHIVED, Disclosure.WITHHELD, legal_basis=LegalBasis.PROCESS.value,
                                reason_text="本文为向市政府报送的请示，属于过程性信息，项目尚在论证。")
    decision = make_document(State.PUBLISH_QUEUE, doc_number="某交批〔2026〕3号", title="关于某项目的批复")
    office = browser("office")
    for bad in ("99999", "不存在的文号", str(request_doc.id)):
        refused = office.post(f"/office/re-review/{request_doc.id}/decision", {"decision": bad})
        assert refused.status_code == 422, bad
    assert office.post(f"/office/re-review/{request_doc.id}/decision",
                       {"decision": "某交批〔2026〕3号"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Document, request_doc.id).prepares_decision_id == decision.id
    later = add_months(local_today(), 12)
    assert db.session.get(Document, request_doc.id).next_review_on == later

    assert office.post(f"/publishing/{decision.id}/confidentiality/pass", {"comment": "不涉密。"}).status_code == 302
    assert office.post(f"/publishing/{decision.id}/publish", {
        "published_on": local_today().isoformat(), "channel": "portal",
        "url": "https://jtj.example.gov.cn/d.html"}).status_code == 302
    db.session.expire_all()
    flagged = db.session.get(Document, request_doc.id)
    assert flagged.next_review_on == local_today()
    assert flagged.review_flag == "所准备的决定“关于某项目的批复”已公开"
    flag = events(db, flagged, Action.RE_REVIEW_FLAG)[0]
    assert flag.actor.username == "office" and str(later) in flag.before
    notice = db.session.scalars(select(Notification).filter_by(
        user_id=users["office"].id, kind=NoticeKind.RE_REVIEW_DUE, document_id=flagged.id)).one()
    assert "所准备的决定" in notice.text
    screen = office.get("/office/re-review").get_data(True)
    assert flagged.title in screen and "所准备的决定“关于某项目的批复”已公开" in screen


def test_the_next_date_set_by_hand_is_checked(db, users, browser, make_document):
    doc = make_document(State.ARCHIVED, Disclosure.WITHHELD)
    office = browser("office")
    past = office.post(f"/office/re-review/{doc.id}/date",
                       {"next_review_on": (local_today() - timedelta(days=1)).isoformat()})
    assert past.status_code == 422 and "不能早于今天" in past.get_data(True)
    nonsense = office.post(f"/office/re-review/{doc.id}/date", {"next_review_on": "明年"})
    assert nonsense.status_code == 422 and "请按“年-月-日”填写日期" in nonsense.get_data(True)
    far = office.post(f"/office/re-review/{doc.id}/date", {"next_review_on": "2099-01-01"})
    assert far.status_code == 422 and "10年" in far.get_data(True)
    proactive = make_document(State.PUBLISH_QUEUE)
    assert office.post(f"/office/re-review/{proactive.id}/date",
                       {"next_review_on": local_today().isoformat()}).status_code == 409
    assert browser("head").post(f"/office/re-review/{doc.id}/date",
                                {"next_review_on": local_today().isoformat()}).status_code == 403
