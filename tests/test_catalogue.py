"""Catalogue metadata (索引号, 文号, 发布机构, 公文生成日期, 主题分类), the public catalogue at /gk/,
its JSON feed and the office's exports."""
import csv
import io
import threading

import pytest
from openpyxl import load_workbook

from reviewtool.publishing import catalogue
from reviewtool.labels import ANNOTATION_PROACTIVE, Disclosure, State
from reviewtool.dates import to_local
from reviewtool.models import CatalogueEntry, Document, Setting
from reviewtool.publishing.pii import REDACTION
from reviewtool.operations import resolve_pii
from reviewtool.workflow import perform

from .conftest import IS_POSTGRES

ID = "11010519491231002X"


def publish(db, users, doc, on="2026-11-20", redact=()):
    from datetime import date
    perform(doc, "confidentiality_pass", users["office"], "不涉密。")
    for finding in catalogue.findings(doc):
        resolve_pii(doc, users["office"], finding.kind, finding.value,
                              "redact" if finding.value in redact else "lawful", "依法可以公开。")
    perform(doc, "mark_published", users["office"], published_on=date.fromisoformat(on),
            channel="portal", url="https://jtj.example.gov.cn/a.html")
    db.session.commit()
    return doc


def test_entering_the_queue_assigns_the_catalogue_entry(app, db, users, make_document):
    first = make_document(State.PUBLISH_QUEUE, doc_number="某交办〔2026〕1号")
    second = make_document(State.PUBLISH_QUEUE)
    archived = make_document(State.ARCHIVED, disclosure=Disclosure.WITHHELD)
    year = to_local(first.approved_at).year
    assert first.catalogue.index_no == f"JT00001-0204-{year}-00001"
    assert second.catalogue.index_no == f"JT00001-0204-{year}-00002"
    assert (first.catalogue.issuer, first.catalogue.category_name) == ("某市交通运输局", "政务公开")
    assert first.catalogue.formed_on == to_local(first.approved_at).date()
    assert archived.catalogue is None

    db.session.add(Setting(key="catalogue_org_code", value="QZ00120"))     # the admin's setting
    db.session.commit()
    third = make_document(State.PUBLISH_QUEUE)
    assert third.catalogue.index_no == f"QZ00120-0204-{year}-00001"       # serial per (org, year)


def test_index_pattern_is_configuration(app, db, users, make_document):
    app.config["CATALOGUE_INDEX_PATTERN"] = "{org}/{year}-{serial:05d}"
    app.config["CATALOGUE_ORG_CODE"] = "053533505"
    doc = make_document(State.PUBLISH_QUEUE)
    assert doc.catalogue.index_no == f"053533505/{doc.catalogue.year}-00001"


def test_a_document_sent_back_keeps_its_index_number(db, users, make_document):
    doc = make_document(State.PUBLISH_QUEUE)
    index_no = doc.catalogue.index_no
    perform(doc, "confidentiality_fail", users["office"], "请删除内部人员名单。")
    for action, who in (("submit", "drafter"), ("office_pass", "office"),
                        ("division_sign_off", "head"), ("principal_sign_off", "principal")):
        perform(doc, action, users[who])
    db.session.commit()
    assert doc.state == State.PUBLISH_QUEUE.value and doc.catalogue.index_no == index_no
    assert db.session.query(CatalogueEntry).count() == 1


def test_office_sets_category_and_doc_number(db, users, browser, make_document):
    doc = make_document(State.PUBLISH_QUEUE)
    serial, year = doc.catalogue.serial, doc.catalogue.year
    office = browser("office")
    page = office.get(f"/documents/{doc.id}").get_data(True)
    assert "索引号" in page and doc.catalogue.index_no in page and "公文生成日期" in page
    assert office.post(f"/publishing/{doc.id}/catalogue", {"category": "9999"}).status_code == 422
    assert browser("drafter").post(f"/publishing/{doc.id}/catalogue",
                                   {"category": "0601"}).status_code == 403
    assert office.post(f"/publishing/{doc.id}/catalogue",
                       {"category": "0601", "doc_number": "某交安〔2026〕3号"}).status_code == 302
    db.session.expire_all()
    doc = db.session.get(Document, doc.id)
    assert doc.catalogue.index_no == f"JT00001-0601-{year}-{serial:05d}"
    assert doc.catalogue.category_name == "安全生产" and doc.doc_number == "某交安〔2026〕3号"
    assert doc.events[-1].action == "catalogue_edit" and "某交安〔2026〕3号" in doc.events[-1].after


@pytest.mark.postgres
@pytest.mark.skipif(not IS_POSTGRES, reason="concurrency is proven on PostgreSQL (set DATABASE_URL)")
def test_concurrent_serials_are_unique(app, db, users):
    barrier = threading.Barrier(6)
    serials, errors = [], []

    def take():
        with app.app_context():
            try:
                barrier.wait()
                serials.append(catalogue.next_serial("RACE01", 2026))
                db.session.commit()
            except Exception as error:      # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=take) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and sorted(serials) == [1, 2, 3, 4, 5, 6]


def test_public_catalogue_shows_only_published_proactive_documents(db, users, browser, make_document):
    body = f"<p>联系人身份证号{ID}。</p>"
    shown = publish(db, users, make_document(State.PUBLISH_QUEUE, title="关于公布2026年公路养护计划的通知",
                                             doc_number="某交规〔2026〕7号", body_html=body), redact=[ID])
    queued = make_document(State.PUBLISH_QUEUE, title="尚在发布队列中的通知")
    withheld = make_document(State.ARCHIVED, disclosure=Disclosure.WITHHELD, title="不予公开的内部通知")
    public = browser()                                              # nobody logged in
    page = public.get("/gk/").get_data(True)
    assert "关于公布2026年公路养护计划的通知" in page and shown.catalogue.index_no in page
    assert "尚在发布队列中的通知" not in page and "不予公开的内部通知" not in page
    detail = public.get(f"/gk/{shown.id}")
    text = detail.get_data(True)
    assert detail.status_code == 200 and ANNOTATION_PROACTIVE in text and "某交规〔2026〕7号" in text
    assert ID not in text and REDACTION in text and "政务公开" in text and "公文生成日期" in text
    for doc in (queued, withheld):
        assert public.get(f"/gk/{doc.id}").status_code == 404


def test_public_search_and_filters(db, users, browser, make_document):
    a = publish(db, users, make_document(State.PUBLISH_QUEUE, title="关于公路养护的通知",
                                         doc_number="某交规〔2026〕7号"), on="2026-03-01")
    b = publish(db, users, make_document(State.PUBLISH_QUEUE, title="关于安全生产检查的通知",
                                         doc_number="某交安〔2025〕2号"), on="2025-06-01")
    catalogue_b = b.catalogue
    catalogue_b.category_code, catalogue_b.category_name = "0601", "安全生产"
    db.session.commit()
    public = browser()

    def titles(query):
        page = public.get("/gk/" + query).get_data(True)
        return [t for t in (a.title, b.title) if t in page]
    assert titles("") == [a.title, b.title]
    assert titles("?q=养护") == [a.title]
    assert titles("?q=某交安") == [b.title]                       # 文号
    assert titles("?q=%25") == []                                  # LIKE wildcards are literal
    assert titles("?year=2025") == [b.title]
    assert titles("?category=0601") == [b.title]
    assert titles("?year=2026&category=0601") == []


def test_feed_and_exports(db, users, browser, make_document):
    published = publish(db, users, make_document(State.PUBLISH_QUEUE, title="已发布的通知",
                                                 doc_number="某交办〔2026〕9号"))
    queued = make_document(State.PUBLISH_QUEUE, title="待发布的通知")
    feed = browser().get("/gk/feed.json").get_json()
    assert feed["count"] == 1 and feed["publisher"] == "某市交通运输局"
    item = feed["items"][0]
    assert item["index_no"] == published.catalogue.index_no and item["doc_number"] == "某交办〔2026〕9号"
    assert item["published_on"] == "2026-11-20" and item["annotation"] == ANNOTATION_PROACTIVE
    assert item["category"] == "政务公开" and item["body_html"]

    assert browser("drafter").get("/publishing/export.json").status_code == 403
    assert browser().get("/publishing/export.json").status_code == 302     # to the login page
    office = browser("office")
    data = office.get("/publishing/export.json").get_json()
    assert {i["title"] for i in data["items"]} == {"已发布的通知", "待发布的通知"}
    assert next(i for i in data["items"] if i["title"] == "待发布的通知")["index_no"] == \
        queued.catalogue.index_no
    rows = list(csv.reader(io.StringIO(office.get("/publishing/export.csv").get_data(True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["编号", "标题", "索引号"] and len(rows) == 3
    xlsx = office.client.get("/publishing/export.xlsx")        # binary: not through the token reader
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx.mimetype
    book = load_workbook(io.BytesIO(xlsx.data))
    sheet = [[c.value for c in row] for row in book.active.iter_rows()]
    assert sheet[0][2] == "索引号" and {r[1] for r in sheet[1:]} == {"已发布的通知", "待发布的通知"}


def test_admin_sets_the_org_code(db, users, browser, make_document):
    assert browser("office").get("/admin/catalogue").status_code == 403
    admin = browser("admin")
    page = admin.get("/admin/catalogue").get_data(True)
    assert "JT00001-0204-2026-00108" in page and "政务公开" in page
    assert admin.post("/admin/catalogue", {"org_code": "QZ 001"}).status_code == 422
    assert admin.post("/admin/catalogue", {"org_code": "QZ00120"}).status_code == 302
    doc = make_document(State.PUBLISH_QUEUE)
    assert doc.catalogue.index_no.startswith("QZ00120-0204-")
    assert doc.catalogue.index_no in browser("office").get("/publishing/").get_data(True)
