"""The rules of a 公文's fields: the 发文字号 form with the fix it offers, the 附注 never typed
twice, the 成文日期 entered by hand, 签发人 from the principal's sign-off, a 转发 no more open than
its source — and leaders sign what gets published: the attribute cannot change after sign-off
without a new sign-off, the urgent path included."""
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from reviewtool.dates import local_today
from reviewtool.errors import WrongState
from reviewtool.labels import Direction, Disclosure, State
from reviewtool.models import Document
from reviewtool.workflow import perform, save_draft

FORM = dict(title="关于转发《交通运输部办公厅关于做好政务公开工作的通知》的通知",
            body_html="现将《交通运输部办公厅关于做好政务公开工作的通知》转发给你们，请认真贯彻执行。",
            disclosure="proactive", channels=["portal"])


def errors(response):
    return re.findall(r'class="field-error">([^<]*)<', response.get_data(True))


@pytest.mark.parametrize("typed, fixed", [("泉交办[2026]12号", "泉交办〔2026〕12号"),
                                          ("泉交办(2026)12号", "泉交办〔2026〕12号"),
                                          ("泉交办（2026）12号", "泉交办〔2026〕12号"),
                                          ("泉交办〔2026〕012号", "泉交办〔2026〕12号"),
                                          ("泉交办〔2026〕第12号", "泉交办〔2026〕12号")])
def test_a_doc_number_out_of_form_is_refused_with_the_fix_to_accept(db, users, browser, typed, fixed):
    drafter = browser("drafter")
    response = drafter.post("/documents/new", dict(FORM, doc_number=typed))
    assert response.status_code == 422
    assert any("年份用六角括号〔〕" in e for e in errors(response))
    page = response.get_data(True)
    assert f'data-fill="doc_number" data-value="{fixed}"' in page and f"改为“{fixed}”" in page
    assert db.session.scalars(select(Document)).all() == []
    assert drafter.post("/documents/new", dict(FORM, doc_number=fixed)).status_code == 302
    assert db.session.scalars(select(Document)).one().doc_number == fixed


def test_the_office_registers_a_doc_number_in_the_same_form(db, users, browser, make_document):
    doc = make_document(State.PUBLISH_QUEUE)
    office = browser("office")
    refused = office.post(f"/publishing/{doc.id}/catalogue", {"category": "0204", "doc_number": "某交办(2026)12号"})
    assert refused.status_code == 422 and "可改为“某交办〔2026〕12号”。" in refused.get_data(True)
    assert db.session.get(Document, doc.id).doc_number is None
    assert office.post(f"/publishing/{doc.id}/catalogue",
                       {"category": "0204", "doc_number": "某交办〔2026〕12号"}).status_code == 302
    assert db.session.get(Document, doc.id).doc_number == "某交办〔2026〕12号"


def test_a_number_that_cannot_be_fixed_gets_the_rule_without_a_suggestion(db, users, browser):
    response = browser("drafter").post("/documents/new", dict(FORM, doc_number="第十二号文件"))
    assert response.status_code == 422 and "data-fill" not in response.get_data(True)


def test_the_attributes_annotation_cannot_be_typed_as_a_note(db, users, browser):
    response = browser("drafter").post("/documents/new", dict(FORM, note="（此件主动公开）"))
    assert response.status_code == 422
    assert any("公开属性的附注由系统按公开属性自动生成" in e for e in errors(response))


def test_a_signed_on_date_entered_by_hand_is_kept_and_the_signer_stamped(db, users, browser):
    drafter = browser("drafter")
    future = (local_today() + timedelta(days=1)).isoformat()
    refused = drafter.post("/documents/new", dict(FORM, signed_on=future))
    assert refused.status_code == 422 and "成文日期不能晚于今天。" in errors(refused)
    assert drafter.post("/documents/new", dict(FORM, signed_on="2026-03-02", direction="upward",
                                               intent="submit")).status_code == 302
    doc = db.session.scalars(select(Document)).one()
    assert doc.signed_on == date(2026, 3, 2) and doc.signed_on_by_hand
    assert doc.direction == Direction.UPWARD
    for action, who in (("office_pass", "office"), ("division_sign_off", "head"),
                        ("principal_sign_off", "principal")):
        perform(doc, action, users[who])
    db.session.commit()
    assert doc.signed_on == date(2026, 3, 2)                      # entered by hand: kept
    assert doc.signer == users["principal"].name                  # 签发人: who signed it here
    assert doc.versions[0].signed_on == date(2026, 3, 2) and doc.versions[0].direction == Direction.UPWARD


def test_a_version_keeps_the_paper_as_it_was_submitted(db, users, browser):
    drafter = browser("drafter")
    fields = dict(FORM, issuer_mark="某市交通运输局文件", main_recipients="局属各单位", attachment_note="名单",
                  signature="某市交通运输局", note="联系人：张三", cc="市政府办公室", printed_by="某市交通运输局办公室",
                  printed_on="2026-03-03", forwards="y", source_issuer="交通运输部办公厅",
                  source_number="交办政〔2026〕5号", source_disclosure="proactive", intent="submit")
    assert drafter.post("/documents/new", fields).status_code == 302
    version = db.session.scalars(select(Document)).one().versions[0]
    assert (version.issuer_mark, version.main_recipients, version.attachment_note, version.signature,
            version.note, version.cc, version.printed_by, version.printed_on, version.forwards,
            version.source_issuer, version.source_number, version.source_disclosure) == (
        "某市交通运输局文件", "局属各单位", "名单", "某市交通运输局", "联系人：张三", "市政府办公室",
        "某市交通运输局办公室", date(2026, 3, 3), True, "交通运输部办公厅", "交办政〔2026〕5号",
        Disclosure.PROACTIVE)
    assert version.annotation == "（此件主动公开）"


# --- 转发: no more open than the source ---------------------------------------------------------------
SOURCE = dict(forwards="y", source_issuer="交通运输部办公厅", source_number="交办政〔2026〕5号")


def test_a_forwarded_document_must_name_its_source(db, users, browser):
    response = browser("drafter").post("/documents/new", dict(FORM, forwards="y", intent="submit"))
    assert response.status_code == 422
    found = errors(response)
    for message in ("转发件须填写来文机关。", "转发件须填写来文文号。", "转发件须选择来文的公开属性。"):
        assert message in found
    assert db.session.scalars(select(Document)).one().state == State.DRAFT


@pytest.mark.parametrize("source, mine, allowed", [
    ("withheld", "proactive", False), ("on_request", "proactive", False), ("redacted", "proactive", False),
    ("on_request", "redacted", False), ("proactive", "proactive", True), ("proactive", "on_request", True),
    ("redacted", "redacted", True), ("on_request", "on_request", True), ("on_request", "withheld", True),
])
def test_a_forwarded_document_may_not_be_more_open_than_its_source(db, users, browser, source, mine, allowed):
    from .conftest import TAGS
    tags = dict(TAGS[Disclosure(mine)])
    if "channels" in tags:
        tags["channels"] = tags["channels"].split(",")
    drafter = browser("drafter")
    response = drafter.post("/documents/new", dict(FORM, **SOURCE, **tags, source_disclosure=source,
                                                   intent="submit" if mine != "redacted" else "save"))
    doc = db.session.scalars(select(Document)).one()
    if mine == "redacted":                                   # 删减后公开 needs its span first
        drafter.post(f"/documents/{doc.id}/redactions", {"text": "现将", "basis": "art37_separable"})
        response = drafter.post(f"/documents/{doc.id}/submit")
    expected = (f"转发件的公开属性不能比来文更公开：来文（交通运输部办公厅交办政〔2026〕5号）为"
                f"“{Disclosure(source).label}”，本件不能标注为“{Disclosure(mine).label}”。")
    doc = db.session.get(Document, doc.id)
    if allowed:
        assert response.status_code == 302 and doc.state == State.OFFICE_CHECK
    else:
        assert response.status_code == 422 and expected in response.get_data(True)
        assert doc.state == State.DRAFT


def test_the_rule_holds_on_the_urgent_path_and_at_sign_off(db, users, browser):
    """An urgent forwarded document goes up without its attribute; the review that follows cannot
    make it more open than its source, and the office may not pass what breaks it."""
    drafter = browser("drafter")
    urgent = dict(FORM, **SOURCE, source_disclosure="on_request", is_urgent="y", intent="submit")
    urgent.pop("disclosure")
    urgent.pop("channels")
    assert drafter.post("/documents/new", urgent).status_code == 302
    doc = db.session.scalars(select(Document)).one()
    for action, who in (("office_pass", "office"), ("division_sign_off", "head"),
                        ("principal_sign_off", "principal")):
        perform(doc, action, users[who])
    db.session.commit()
    assert doc.state == State.REVIEW_PENDING
    refused = drafter.post(f"/documents/{doc.id}/edit", {"disclosure": "proactive", "channels": ["portal"],
                                                         "source_disclosure": "on_request", "intent": "submit"})
    assert refused.status_code == 422 and "转发件的公开属性不能比来文更公开" in refused.get_data(True)
    assert db.session.get(Document, doc.id).state == State.REVIEW_PENDING


# --- leaders sign what gets published -----------------------------------------------------------------
def test_the_urgent_review_goes_back_to_the_leaders_with_the_annotation_on_the_paper(db, users, browser):
    drafter, office, head, principal = (browser(u) for u in ("drafter", "office", "head", "principal"))
    assert drafter.post("/documents/new", dict(title=FORM["title"], body_html=FORM["body_html"],
                                               is_urgent="y", intent="submit")).status_code == 302
    doc = db.session.scalars(select(Document)).one()
    assert office.post(f"/office/{doc.id}/pass").status_code == 302
    assert head.post(f"/review/{doc.id}/division_sign_off").status_code == 302
    signing = principal.get(f"/documents/{doc.id}").get_data(True)
    assert "paper-annotation" not in signing                     # signed with no attribute
    assert principal.post(f"/review/{doc.id}/principal_sign_off").status_code == 302
    assert db.session.get(Document, doc.id).state == State.REVIEW_PENDING

    # In review_pending only the review may change: content posted with it is ignored.
    assert drafter.post(f"/documents/{doc.id}/edit", {"disclosure": "proactive", "channels": ["portal"],
                                                      "title": "改过的标题", "note": "联系人：李四",
                                                      "intent": "submit"}).status_code == 302
    doc = db.session.get(Document, doc.id)
    assert doc.state == State.REVIEW_DIVISION and doc.title == FORM["title"] and doc.note == ""
    refused = drafter.upload(f"/documents/{doc.id}/attachments", {"file": (io.BytesIO(b"%PDF-1.4"), "a.pdf")})
    assert refused.status_code == 409

    # The attribute goes to the leaders again, and the paper they sign carries its 附注.
    page = head.get(f"/documents/{doc.id}").get_data(True)
    assert '<p class="paper-annotation">（此件主动公开）</p>' in page[page.index('id="paper"'):page.index("<aside")]
    assert office.post(f"/publishing/{doc.id}/publish", {"published_on": "2026-11-20", "channel": "portal",
                                                         "url": "https://a.example.gov.cn/x"}).status_code == 409
    assert drafter.get(f"/documents/{doc.id}/edit").status_code == 403          # out of the drafter's hands
    assert head.post(f"/review/{doc.id}/division_sign_off").status_code == 302
    assert db.session.get(Document, doc.id).state == State.REVIEW_PRINCIPAL
    assert drafter.post(f"/documents/{doc.id}/edit", {"disclosure": "withheld"}).status_code == 403
    page = principal.get(f"/documents/{doc.id}").get_data(True)
    assert '<p class="paper-annotation">（此件主动公开）</p>' in page[page.index('id="paper"'):page.index("<aside")]
    assert principal.post(f"/review/{doc.id}/principal_sign_off").status_code == 302
    doc = db.session.get(Document, doc.id)
    assert doc.state == State.PUBLISH_QUEUE and doc.disclosure == Disclosure.PROACTIVE

    # Signed: the attribute cannot change — not by the form, not by the workflow's own save.
    assert drafter.get(f"/documents/{doc.id}/edit").status_code == 403
    assert drafter.post(f"/documents/{doc.id}/edit", {"disclosure": "withheld"}).status_code == 403
    with pytest.raises(WrongState):
        save_draft(doc, users["drafter"], disclosure=Disclosure.WITHHELD)
    db.session.rollback()
    assert db.session.get(Document, doc.id).disclosure == Disclosure.PROACTIVE


def test_after_a_failed_confidentiality_check_a_new_attribute_needs_the_whole_chain_again(
        db, users, browser, make_document):
    from .conftest import REASON
    doc = make_document(State.PUBLISH_QUEUE)
    perform(doc, "confidentiality_fail", users["office"], "涉及工作秘密，不宜主动公开。")
    db.session.commit()
    drafter = browser("drafter")
    assert drafter.post(f"/documents/{doc.id}/edit", dict(
        title=doc.title, body_html="为提升政务公开工作水平，定于下月开展培训。", disclosure="withheld",
        legal_basis="art15_third_party", reason_text=REASON, intent="submit")).status_code == 302
    doc = db.session.get(Document, doc.id)
    assert doc.state == State.OFFICE_CHECK and doc.disclosure == Disclosure.WITHHELD
    perform(doc, "office_pass", users["office"])
    perform(doc, "division_sign_off", users["head"])
    assert doc.state == State.PRINCIPAL_REVIEW                       # not archived without the principal
    page = browser("principal").get(f"/documents/{doc.id}").get_data(True)
    assert "（此件不予公开）" in page and "（此件主动公开）" not in page
    perform(doc, "principal_sign_off", users["principal"])
    assert doc.state == State.ARCHIVED
