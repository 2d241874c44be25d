"""The annual report counted from the data: each figure is exactly the documents the test made,
each number links to them, the tables export as XLSX and DOCX, and a year's figures stay the
same when counted again after unrelated changes (the year is an event's date, not a field's)."""
import io
import re
from datetime import date

import pytest
from docx import Document as WordDocument
from openpyxl import load_workbook
from sqlalchemy import text

from reviewtool.dates import local_today
from reviewtool.labels import Disclosure, LegalBasis, ReportRow, State
from reviewtool.models import Document
from reviewtool.queries.annual import annual_report
from reviewtool.workflow import perform

YEAR = local_today().year
PROCESS_REASON = "本文为向市政府报送的请示，属于过程性信息，项目尚在论证，公开可能引起误解。"
REASON = "本文为针对个别企业的答复函，不涉及公众利益调整，不属于主动公开范围。"


def publish(db, users, doc, channel="portal"):
    perform(doc, "confidentiality_pass", users["office"], "不涉密。")
    perform(doc, "mark_published", users["office"], published_on=local_today(), channel=channel,
            url="https://jtj.example.gov.cn/x.html")
    db.session.commit()


@pytest.fixture
def year_of_work(db, users, make_document):
    d = {}
    d["published"] = make_document(State.PUBLISH_QUEUE, doc_number="某交〔2026〕1号", title="甲·已发布")
    publish(db, users, d["published"])
    d["queued"] = make_document(State.PUBLISH_QUEUE, title="乙·待发布")
    d["third_party"] = make_document(State.ARCHIVED, Disclosure.WITHHELD, title="丙·第三方")
    d["process"] = make_document(State.ARCHIVED, Disclosure.WITHHELD, title="丁·过程性",
                                 legal_basis=LegalBasis.PROCESS.value, reason_text=PROCESS_REASON)
    d["on_request"] = make_document(State.ARCHIVED, Disclosure.ON_REQUEST, title="戊·依申请",
                                    doc_number="某交函〔2026〕2号")
    d["redacted"] = make_document(State.ARCHIVED, Disclosure.REDACTED, title="己·删减")
    d["decision"] = make_document(State.PUBLISH_QUEUE, title="庚·许可决定", doc_number="某交许〔2026〕3号",
                                  is_decision=True, decision_date=local_today())
    publish(db, users, d["decision"], channel="new_media")
    d["interpreted"] = make_document(State.PUBLISH_QUEUE, title="辛·有解读", doc_number="某交〔2026〕4号",
                                     interpretation_html="<p>政策解读：本通知的主要内容。</p>")
    publish(db, users, d["interpreted"])
    perform(d["interpreted"], "mark_interpretation_published", users["office"],
            published_on=local_today(), channel="portal", url="https://jtj.example.gov.cn/jd.html")
    # the office's re-reviews: one kept, one converted to 主动公开 and signed
    perform(d["third_party"], "re_review_keep", users["office"],
            "附件仍含企业负责人联系方式，公开会损害第三方合法权益，维持不予公开。")
    perform(d["on_request"], "convert_to_proactive", users["office"],
            "同类答复已被多次申请，属于可以公开的信息，依第四十四条转为主动公开。", channels=["portal"])
    perform(d["on_request"], "principal_sign_off", users["principal"], "同意。")
    db.session.commit()
    return {k: v.id for k, v in d.items()}


def fetch(b, url):
    """A binary download, in its own app context as every request of the Browser is."""
    with b.app.app_context():
        return b.client.get(url)


def figures(report):
    return {c.key: frozenset(c.ids) for _, tables in report.sections for t in tables
            for r in t.rows for c in r.cells if not isinstance(c, str)}


def test_the_figures_are_the_documents_made(db, users, year_of_work):
    w = year_of_work
    f = figures(annual_report(YEAR))
    assert f["reviewed:proactive"] == {w["published"], w["queued"], w["decision"], w["interpreted"]}
    assert f["reviewed:withheld"] == {w["third_party"], w["process"]}
    assert f["reviewed:on_request"] == {w["on_request"]}          # as signed, before its conversion
    assert f["reviewed:redacted"] == {w["redacted"]}
    assert len(f["reviewed:all"]) == 8
    assert f["withheld:third_party"] == {w["third_party"]} and f["withheld:process"] == {w["process"]}
    assert all(not f[f"withheld:{r.value}"] for r in ReportRow if r.value not in ("third_party", "process"))
    assert f["withheld:all"] == {w["third_party"], w["process"]} and f["redacted"] == {w["redacted"]}
    assert f["channel:portal"] == {w["published"], w["interpreted"]}
    assert f["channel:new_media"] == {w["decision"]}
    assert f["published:all"] == {w["published"], w["decision"], w["interpreted"]}
    assert f["decisions"] == {w["decision"]} and f["interpretation"] == {w["interpreted"]}
    assert f["re_review:keep"] == {w["third_party"]} and f["re_review:to_proactive"] == {w["on_request"]}
    assert f["converted:proactive"] == {w["on_request"]} and not f["converted:refused"]
    assert f["clock:publish:on_time"] == {w["published"], w["decision"], w["interpreted"]}
    assert f["clock:decision:on_time"] == {w["decision"]}
    assert f["clock:interpretation:on_time"] == {w["interpreted"]}
    assert len(f["clock:send_to_office:on_time"]) == 8 and not f["clock:send_to_office:late"]
    division = users["drafter"].division_id
    assert f[f"division:{division}:reviewed"] == f["reviewed:all"]
    assert f[f"division:{division}:published"] == f["published:all"]


def test_every_number_links_to_exactly_its_documents(db, users, browser, year_of_work):
    office = browser("office")
    page = office.get(f"/office/report?year={YEAR}").get_data(True)
    assert "第二十条第（一）项" in page and "待信息类别、有效性（第10号议题）上线后统计" in page
    link = re.search(rf'href="(/office/report/{YEAR}/figure/withheld:process)"[^>]*>(\d+)<', page)
    assert link and link.group(2) == "1"
    listing = office.get(link.group(1)).get_data(True)
    assert "丁·过程性" in listing and "丙·第三方" not in listing and "共 1 件" in listing
    portal = office.get(f"/office/report/{YEAR}/figure/channel:portal").get_data(True)
    assert "甲·已发布" in portal and "辛·有解读" in portal and "庚·许可决定" not in portal
    zero = office.get(f"/office/report/{YEAR}/figure/withheld:secret")
    assert zero.status_code == 200 and "该项没有公文。" in zero.get_data(True)
    assert office.get(f"/office/report/{YEAR}/figure/no:such").status_code == 404
    assert office.get("/office/report/1999/figure/reviewed:all").status_code == 404
    for bad in ("abc", "99999", "1999", "2101", "-1"):
        refused = office.get(f"/office/report?year={bad}")
        assert refused.status_code == 422 and "之间的年份" in refused.get_data(True), bad
    assert browser("principal").get("/office/report").status_code == 403


def test_the_tables_export_as_xlsx_and_docx(db, users, browser, year_of_work):
    office = browser("office")
    xlsx = fetch(office, f"/office/report/{YEAR}.xlsx")
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx.mimetype
    rows = [list(r) for r in load_workbook(io.BytesIO(xlsx.data)).active.values]
    flat = {r[0]: r[1:] for r in rows if r and r[0]}
    assert flat["不予公开合计"][0] == 2 and flat["6.属于四类过程性信息"][0] == 1
    assert flat["行政规范性文件"][0] == "待信息类别、有效性（第10号议题）上线后统计"
    assert f"{YEAR}年政府信息公开工作年度报告" in rows[0][0]

    docx = fetch(office, f"/office/report/{YEAR}.docx")
    assert docx.status_code == 200 and "wordprocessingml" in docx.mimetype
    word = WordDocument(io.BytesIO(docx.data))
    assert f"{YEAR}年政府信息公开工作年度报告" in word.paragraphs[0].text
    cells = {row.cells[0].paragraphs[0].text: [c.text for c in row.cells[1:]]
             for table in word.tables for row in table.rows}
    assert cells["不予公开合计"] == ["2"] and cells["4.保护第三方合法权益"] == ["1"]
    assert cells["主动公开"][0] == "4"
    assert fetch(office, f"/office/report/{YEAR}.pdf").status_code == 404
    assert fetch(browser("drafter"), f"/office/report/{YEAR}.xlsx").status_code == 403


def test_a_past_year_counted_again_after_later_work_is_unchanged(db, users, make_document,
                                                                 year_of_work):
    """Last year's work, counted; then this year's work on the same documents and fields changed
    after the fact; last year counted again gives the same figures."""
    w = year_of_work
    db.session.execute(text("UPDATE event SET at = :at"), {"at": f"{YEAR - 1}-06-01 02:00:00"})
    db.session.commit()
    before = figures(annual_report(YEAR - 1))
    assert before["reviewed:all"] and before["published:all"] and before["re_review:keep"]

    # fields changed after the fact: the channel field, the attribute and basis fields (the signed
    # version is what counts), the publication date field
    db.session.execute(text("UPDATE document SET published_channel = 'bulletin' WHERE id = :id"),
                       {"id": w["published"]})
    db.session.execute(text("UPDATE document SET disclosure = 'proactive', legal_basis = NULL "
                            "WHERE id = :id"), {"id": w["process"]})
    db.session.execute(text("UPDATE document SET published_on = :d WHERE id = :id"),
                       {"d": date(YEAR, 1, 2), "id": w["decision"]})
    db.session.commit()
    db.session.expire_all()
    # and this year's work, some of it on last year's documents
    office, principal = users["office"], users["principal"]
    third_party = db.session.get(Document, w["third_party"])
    perform(third_party, "convert_to_proactive", office,
            "第三方已书面同意公开，原不予公开的理由已消除，转为主动公开。", channels=["portal"])
    perform(third_party, "principal_sign_off", principal, "同意。")
    queued = db.session.get(Document, w["queued"])
    queued.doc_number = "某交〔2026〕9号"
    publish(db, users, queued)
    make_document(State.ARCHIVED, Disclosure.WITHHELD, title="癸·今年新签")
    make_document(State.DRAFT, title="壬·新起草")
    db.session.commit()

    assert figures(annual_report(YEAR - 1)) == before
    now = figures(annual_report(YEAR))
    assert now["converted:proactive"] == {w["third_party"]} and now["published:all"] == {w["queued"]}
    assert len(now["reviewed:withheld"]) == 1


def test_the_year_is_the_events_date(db, users, year_of_work):
    """The same work dated last year (its events moved) counts in last year's report only."""
    w = year_of_work
    db.session.execute(text("UPDATE event SET at = :at WHERE document_id = :id"),
                       {"at": f"{YEAR - 1}-06-01 02:00:00", "id": w["process"]})
    db.session.commit()
    last_year = figures(annual_report(YEAR - 1))
    this_year = figures(annual_report(YEAR))
    assert last_year["withheld:process"] == {w["process"]} and last_year["reviewed:all"] == {w["process"]}
    assert not this_year["withheld:process"] and w["process"] not in this_year["reviewed:all"]
    assert annual_report(YEAR - 1).cutoff == date(YEAR - 1, 12, 31)


def test_each_withholding_basis_has_its_row():
    rows = [b.report_row for b in LegalBasis if b.report_row]
    assert len(rows) == len(set(rows)) == 7                      # 8.行政查询事项 has no basis
    assert LegalBasis.SEPARABLE.report_row is None and LegalBasis.NOT_PROACTIVE_SCOPE.report_row is None
    assert [r.label[:2] for r in ReportRow] == ["1.", "2.", "3.", "4.", "5.", "6.", "7.", "8."]
