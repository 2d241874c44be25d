"""Before publishing: the confidentiality check (保密审查), personal data resolved, a 文号."""
import pytest

from reviewtool.publishing.catalogue import publish_problems
from reviewtool.labels import State
from reviewtool.models import ConfidentialityCheck, Document, Event, PiiResolution
from reviewtool.publishing.pii import REDACTION
from reviewtool.errors import Invalid, NotAllowed
from reviewtool.workflow import perform

ID = "11010519491231002X"
MOBILE = "13812345678"
PUBLISH = {"published_on": "2026-11-20", "channel": "portal", "url": "https://jtj.example.gov.cn/a.html"}


def reload(db, doc_id):
    db.session.expire_all()
    return db.session.get(Document, doc_id)


def test_failed_check_sends_the_document_back_with_its_remark(db, users, browser, make_document):
    doc = make_document(State.PUBLISH_QUEUE, doc_number="某交办〔2026〕12号")
    office = browser("office")
    refused = office.post(f"/publishing/{doc.id}/confidentiality/fail", {"comment": ""}, htmx=True)
    assert refused.status_code == 422 and "须填写意见" in refused.get_data(True)
    assert reload(db, doc.id).state == State.PUBLISH_QUEUE.value

    remark = "第三段涉及尚未公开的工程招标底价，属工作秘密，请删除后重报。"
    assert office.post(f"/publishing/{doc.id}/confidentiality/fail", {"comment": remark}).status_code == 302
    doc = reload(db, doc.id)
    assert doc.state == State.RETURNED.value
    check = db.session.query(ConfidentialityCheck).filter_by(document_id=doc.id).one()
    assert not check.passed and check.remark == remark and check.checked_by.username == "office"
    last = doc.events[-1]
    assert (last.action, last.from_state, last.to_state, last.comment) == (
        "confidentiality_fail", "publish_queue", "returned", remark)
    assert remark in browser("drafter").get(f"/documents/{doc.id}").get_data(True)


def test_passed_check_is_recorded_and_audited(db, users, browser, make_document):
    doc = make_document(State.PUBLISH_QUEUE, doc_number="某交办〔2026〕12号")
    page = browser("office").get(f"/documents/{doc.id}").get_data(True)
    assert "保密审查通过" in page and "尚未进行保密审查" in page
    assert browser("office").post(f"/publishing/{doc.id}/confidentiality/pass",
                                  {"comment": "不涉密。"}).status_code == 302
    doc = reload(db, doc.id)
    assert doc.state == State.PUBLISH_QUEUE.value
    check = db.session.query(ConfidentialityCheck).filter_by(document_id=doc.id).one()
    assert check.passed and check.version_no == doc.version_no and check.remark == "不涉密。"
    assert doc.events[-1].action == "confidentiality_pass" and doc.events[-1].actor.username == "office"


@pytest.mark.parametrize("who", ["drafter", "head", "principal"])
def test_only_the_office_checks(db, users, browser, make_document, who):
    doc = make_document(State.PUBLISH_QUEUE)
    assert browser(who).post(f"/publishing/{doc.id}/confidentiality/pass").status_code == 403
    with pytest.raises(NotAllowed):
        perform(doc, "confidentiality_pass", users[who])


def test_publishing_needs_a_passed_check_of_this_version_and_a_doc_number(db, users, browser,
                                                                        make_document):
    doc = make_document(State.PUBLISH_QUEUE)
    office = browser("office")
    refused = office.post(f"/publishing/{doc.id}/publish", PUBLISH, htmx=True)
    assert refused.status_code == 422
    assert "尚未通过保密审查" in refused.get_data(True) and "未登记文号" in refused.get_data(True)

    office.post(f"/publishing/{doc.id}/confidentiality/pass")
    refused = office.post(f"/publishing/{doc.id}/publish", PUBLISH, htmx=True)
    assert refused.status_code == 422 and "未登记文号" in refused.get_data(True)
    assert "尚未通过保密审查" not in refused.get_data(True)

    assert office.post(f"/publishing/{doc.id}/catalogue",
                       {"doc_number": "某交办〔2026〕12号"}).status_code == 302
    assert office.post(f"/publishing/{doc.id}/publish", PUBLISH).status_code == 302
    assert reload(db, doc.id).state == State.PUBLISHED.value


def test_a_pass_of_an_earlier_version_does_not_count(db, users, make_document):
    doc = make_document(State.PUBLISH_QUEUE, doc_number="某交办〔2026〕12号")
    perform(doc, "confidentiality_pass", users["office"])
    perform(doc, "confidentiality_fail", users["office"], "附件涉及内部人员名单，请删除。")
    for action, who in (("submit", "drafter"), ("office_pass", "office"),
                        ("division_sign_off", "head"), ("principal_sign_off", "principal")):
        perform(doc, action, users[who])
    assert doc.state == State.PUBLISH_QUEUE.value and doc.version_no == 2
    with pytest.raises(Invalid) as refused:
        perform(doc, "mark_published", users["office"], published_on=None, channel="portal")
    assert "尚未通过保密审查" in refused.value.message


def test_personal_data_must_be_resolved_and_redactions_are_applied(db, users, browser, make_document):
    body = f"<p>联系人：张三，手机{MOBILE}，身份证号{ID}。</p><p>文号泉交办〔2020〕19号。</p>"
    doc = make_document(State.PUBLISH_QUEUE, doc_number="某交办〔2026〕12号", body_html=body)
    office = browser("office")
    office.post(f"/publishing/{doc.id}/confidentiality/pass")
    page = office.get(f"/documents/{doc.id}").get_data(True)
    assert f'data-kind="mobile" title="疑似个人信息">{MOBILE}</mark>' in page      # highlighted
    assert f'data-kind="id_card" title="疑似个人信息">{ID}</mark>' in page
    assert "居民身份证号码" in page and "手机号码" in page
    assert "<mark" not in browser("drafter").get(f"/documents/{doc.id}").get_data(True)

    refused = office.post(f"/publishing/{doc.id}/publish", PUBLISH, htmx=True)
    assert refused.status_code == 422 and "2处疑似个人信息尚未处理" in refused.get_data(True)

    lawful = {"kind": "mobile", "value": MOBILE, "decision": "lawful"}
    assert office.post(f"/publishing/{doc.id}/pii", lawful).status_code == 422      # no remark
    assert office.post(f"/publishing/{doc.id}/pii", dict(lawful, remark="为单位公开的办事咨询电话。")
                       ).status_code == 302
    assert browser("drafter").post(f"/publishing/{doc.id}/pii",
                                   {"kind": "id_card", "value": ID, "decision": "redact"}).status_code == 403
    assert office.post(f"/publishing/{doc.id}/pii",
                       {"kind": "id_card", "value": "110105194912310000", "decision": "redact"}
                       ).status_code == 422                                            # not in the text
    refused = office.post(f"/publishing/{doc.id}/publish", PUBLISH, htmx=True)
    assert refused.status_code == 422 and "1处疑似个人信息尚未处理" in refused.get_data(True)
    assert office.post(f"/publishing/{doc.id}/pii",
                       {"kind": "id_card", "value": ID, "decision": "redact"}).status_code == 302
    assert publish_problems(reload(db, doc.id)) == {}
    assert office.post(f"/publishing/{doc.id}/publish", PUBLISH).status_code == 302

    doc = reload(db, doc.id)
    assert doc.state == State.PUBLISHED.value
    published = doc.catalogue.published_body_html
    assert ID not in published and f"身份证号{REDACTION}" in published and MOBILE in published
    assert ID in doc.body_html                                   # the record itself is not rewritten
    assert db.session.query(PiiResolution).filter_by(document_id=doc.id).count() == 2
    audit = [e.comment for e in doc.events if e.action == "pii_resolve"]
    assert len(audit) == 2 and all(ID not in c and MOBILE not in c for c in audit)
    assert db.session.query(Event).filter_by(document_id=doc.id, action="mark_published").count() == 1
