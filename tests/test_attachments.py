"""附件: kept per version (a submitted version's are frozen), in 附件说明 order, stored on disk under
their SHA-256, never deleted; published with a public document and downloadable from /gk/<id>;
the personal-data scan reads the text of .docx 附件 too."""
import hashlib
import io
from datetime import date

import docx
import pytest
from sqlalchemy import select

from reviewtool.gongwen import store
from reviewtool.labels import AttachmentKind, Disclosure, State
from reviewtool.models import Attachment, Document, Event
from reviewtool.operations import resolve_pii
from reviewtool.workflow import perform

from . import docx_samples as S

ID_NUMBER = "110101199003071233"     # a made-up number whose check character is right


def docx_with(*lines):
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    return S.save(document)


def attach(browser_, doc, data, filename, htmx=False):
    return browser_.upload(f"/documents/{doc.id}/attachments", {"file": (io.BytesIO(data), filename)},
                           htmx=htmx)


def events(db, doc, action):
    return db.session.scalars(select(Event).filter_by(document_id=doc.id, action=action)
                              .order_by(Event.id)).all()


def test_attachments_are_kept_per_version_in_the_order_of_the_attachment_note(app, db, users, browser,
                                                                              make_document):
    doc = make_document(State.DRAFT, attachment_note="1. 政府信息公开目录\n2. 政务公开工作实施细则")
    drafter = browser("drafter")
    rules = docx_with("泉州市交通运输局政务公开工作实施细则", S.APPENDIX_TEXT)
    listing = b"%PDF-1.4\n% a catalogue\n"
    assert attach(drafter, doc, rules, "政务公开工作实施细则.docx").status_code == 302
    response = attach(drafter, doc, listing, "政府信息公开目录.pdf", htmx=True)
    assert response.status_code == 200 and "已添加附件：政府信息公开目录.pdf" in response.get_data(True)

    kept = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
    assert [a.filename for a in kept] == ["政务公开工作实施细则.docx", "政府信息公开目录.pdf"]
    for att, data in zip(kept, (rules, listing)):
        assert att.sha256 == hashlib.sha256(data).hexdigest() and att.size == len(data)
        assert store.path_of(att.sha256).read_bytes() == data
        assert str(store.path_of(att.sha256)).startswith(app.config["ATTACHMENT_FOLDER"])
    assert S.APPENDIX_TEXT[:20] in kept[0].text and kept[1].text is None
    added = events(db, doc, "attachment_add")
    assert [e.actor.username for e in added] == ["drafter", "drafter"]
    assert kept[0].sha256 in added[0].after

    page = drafter.get(f"/documents/{doc.id}").get_data(True)
    listed = page[page.index('id="attachments"'):]
    assert listed.index("政府信息公开目录.pdf") < listed.index("政务公开工作实施细则.docx")   # 附件说明 order
    download = drafter.get(f"/files/{kept[1].id}")
    assert download.data == listing and download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment;")

    # submitted: version 1 froze both, in order
    perform(doc, "submit", users["drafter"])
    perform(doc, "office_pass", users["office"])
    perform(doc, "send_back", users["head"], "附件二请更新。")
    db.session.commit()
    v1 = db.session.get(Document, doc.id).versions[0]
    assert [a.filename for a in v1.attachments] == ["政府信息公开目录.pdf", "政务公开工作实施细则.docx"]

    # returned: one removed (marked, not deleted) and a new one added; version 2 differs, 1 does not
    assert drafter.post(f"/documents/{doc.id}/attachments/{kept[0].id}/remove").status_code == 302
    assert attach(drafter, doc, docx_with("修订后的实施细则", "第一条"), "政务公开工作实施细则（修订）.docx").status_code == 302
    removed = db.session.get(Attachment, kept[0].id)
    assert removed.removed_at is not None and removed.removed_by.username == "drafter"
    assert store.path_of(removed.sha256).exists()
    assert events(db, doc, "attachment_remove")[0].before == "附件：政务公开工作实施细则.docx"
    perform(db.session.get(Document, doc.id), "submit", users["drafter"])
    db.session.commit()
    doc = db.session.get(Document, doc.id)
    assert [a.filename for a in doc.versions[1].attachments] == ["政府信息公开目录.pdf",
                                                                 "政务公开工作实施细则（修订）.docx"]
    assert [a.filename for a in doc.versions[0].attachments] == ["政府信息公开目录.pdf",
                                                                 "政务公开工作实施细则.docx"]
    history = drafter.get(f"/documents/{doc.id}/history").get_data(True)
    assert "政务公开工作实施细则.docx" in history and "政务公开工作实施细则（修订）.docx" in history

    # a submitted document's attachments cannot change
    refused = attach(drafter, doc, listing, "又一个.pdf")
    assert refused.status_code == 409, refused.get_data(True)[-3000:]
    assert "附件和正文不能再修改" in refused.get_data(True)
    assert drafter.post(f"/documents/{doc.id}/attachments/{kept[1].id}/remove").status_code == 409


@pytest.mark.parametrize("filename, data, message", [
    ("程序.exe", b"MZ\x90\x00", "不支持“.exe”格式的附件"),
    ("假的.pdf", b"<html>not a pdf</html>", "文件内容与扩展名“.pdf”不符"),
    ("宏.xlsx", None, "含有宏"),
    ("旧版.docx", None, "旧版 Word 文档（.doc）"),
    ("空.pdf", b"", "文件是空的"),
    ("很大.pdf", b"%PDF-" + b"0" * (4 * 1024 * 1024), "附件不能超过4 MB"),
])
def test_a_file_that_may_not_be_attached_is_refused_in_place(app, db, users, browser, make_document,
                                                             filename, data, message):
    if filename == "宏.xlsx":
        data = S.zip_with({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>",
                           "xl/vbaProject.bin": b"\0" * 64})
    if filename == "旧版.docx":
        data = S.doc_97()
    doc = make_document(State.DRAFT)
    response = attach(browser("drafter"), doc, data, filename, htmx=True)
    assert response.status_code == 422
    assert message in response.get_data(True)
    assert db.session.scalars(select(Attachment)).all() == []


def test_only_the_drafter_manages_attachments(app, db, users, browser, make_document):
    doc = make_document(State.DRAFT)
    assert attach(browser("drafter"), doc, b"%PDF-1.4\n", "a.pdf").status_code == 302
    att = db.session.scalars(select(Attachment)).one()
    assert attach(browser("colleague"), doc, b"%PDF-1.4\n", "b.pdf").status_code == 404     # a draft
    submitted = make_document(State.DIVISION_REVIEW)
    assert attach(browser("head"), submitted, b"%PDF-1.4\n", "c.pdf").status_code == 403
    assert browser("colleague").post(f"/documents/{doc.id}/attachments/{att.id}/remove").status_code == 404
    assert browser("colleague").get(f"/files/{att.id}").status_code == 404
    assert browser().get(f"/files/{att.id}").status_code == 404
    assert db.session.get(Attachment, att.id).removed_at is None


def test_a_published_document_offers_its_attachments_and_nothing_else(app, db, users, browser,
                                                                      make_document):
    doc = make_document(State.DRAFT, doc_number="某交办〔2026〕12号", attachment_note="实施细则")
    drafter = browser("drafter")
    drafter.upload("/documents/new", {"intent": "import", "source_file": (io.BytesIO(S.seed_document()), "x.docx")})
    attach(drafter, doc, docx_with("实施细则正文"), "实施细则.docx")
    annex = db.session.scalars(select(Attachment).filter_by(document_id=doc.id)).one()
    other = db.session.scalars(select(Attachment).where(Attachment.document_id != doc.id)).all()
    public = browser()
    assert public.get(f"/gk/{doc.id}/files/{annex.id}").status_code == 404          # not published
    for action, who in (("submit", "drafter"), ("office_pass", "office"), ("division_sign_off", "head"),
                        ("principal_sign_off", "principal"), ("confidentiality_pass", "office")):
        perform(db.session.get(Document, doc.id), action, users[who])
    perform(db.session.get(Document, doc.id), "mark_published", users["office"],
            published_on=date(2026, 11, 20), channel="portal", url="https://example.gov.cn/12.html")
    db.session.commit()
    page = public.get(f"/gk/{doc.id}").get_data(True)
    assert "实施细则.docx" in page and f"/gk/{doc.id}/files/{annex.id}" in page
    download = public.get(f"/gk/{doc.id}/files/{annex.id}")
    assert download.status_code == 200 and hashlib.sha256(download.data).hexdigest() == annex.sha256
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''%E5%AE%9E" in disposition
    for att in other:                                   # another document's files: never through this one
        assert public.get(f"/gk/{doc.id}/files/{att.id}").status_code == 404
        assert public.get(f"/files/{att.id}").status_code == 404


def test_a_redacted_documents_attachments_are_published_only_where_the_drafter_allows(
        app, db, users, browser, make_document):
    from reviewtool.gongwen import files
    doc = make_document(State.DRAFT, Disclosure.REDACTED, body_html="<p>正文可以公开，附件另行处理。</p>")
    drafter = browser("drafter")
    attach(drafter, doc, docx_with("当事人名单"), "当事人名单.docx")
    attach(drafter, doc, docx_with("检查通报"), "检查通报.docx")
    names, report = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
    assert not names.publish and not report.publish                   # by default: not published
    response = drafter.post(f"/documents/{doc.id}/attachments/{report.id}/publish", {"publish": "1"}, htmx=True)
    assert response.status_code == 200 and "附件《检查通报》：可以公开" in response.get_data(True)
    assert events(db, doc, "attachment_publish")[0].after == "检查通报.docx：可以公开"
    from reviewtool.operations import add_redaction_span
    add_redaction_span(db.session.get(Document, doc.id), users["drafter"], "附件另行处理", "art37_separable")
    doc = db.session.get(Document, doc.id)
    for action, who in (("submit", "drafter"), ("office_pass", "office"), ("division_sign_off", "head"),
                        ("principal_sign_off", "principal")):
        perform(doc, action, users[who])
    db.session.commit()
    assert [link.publish for link in doc.versions[0].attachment_links] == [False, True]
    assert files.published_with(doc) == [report]
    # a proactive document's choice is not asked for
    proactive = make_document(State.DRAFT)
    attach(drafter, proactive, b"%PDF-1.4\n", "a.pdf")
    att = db.session.scalars(select(Attachment).filter_by(document_id=proactive.id)).one()
    refused = drafter.post(f"/documents/{proactive.id}/attachments/{att.id}/publish", {"publish": "1"})
    assert refused.status_code == 400


def test_personal_data_in_a_docx_attachment_is_found_before_publishing(app, db, users, browser,
                                                                       make_document):
    doc = make_document(State.DRAFT, doc_number="某交办〔2026〕12号", attachment_note="人员名单")
    drafter = browser("drafter")
    attach(drafter, doc, docx_with("人员名单", f"张三 身份证号 {ID_NUMBER}"), "人员名单.docx")
    attach(drafter, doc, b"%PDF-1.4\n", "扫描件.pdf")
    for action, who in (("submit", "drafter"), ("office_pass", "office"), ("division_sign_off", "head"),
                        ("principal_sign_off", "principal"), ("confidentiality_pass", "office")):
        perform(db.session.get(Document, doc.id), action, users[who])
    db.session.commit()
    office = browser("office")
    page = office.get(f"/documents/{doc.id}").get_data(True)
    assert ID_NUMBER in page and "见于：附件《人员名单》" in page
    assert "附件《扫描件.pdf》无法自动检查个人信息，请人工核对。" in page
    doc = db.session.get(Document, doc.id)
    resolve_pii(doc, users["office"], "id_card", ID_NUMBER, "redact")
    db.session.commit()
    refused = office.post(f"/publishing/{doc.id}/publish", {"published_on": "2026-11-20", "channel": "portal",
                                                              "url": "https://example.gov.cn/1.html"})
    assert refused.status_code == 422
    assert "附件《人员名单》中有决定删除的个人信息" in refused.get_data(True)
    resolve_pii(db.session.get(Document, doc.id), users["office"], "id_card", ID_NUMBER, "lawful",
                "名单经本人同意公开。")
    db.session.commit()
    done = office.post(f"/publishing/{doc.id}/publish", {"published_on": "2026-11-20", "channel": "portal",
                                                           "url": "https://example.gov.cn/1.html"})
    assert done.status_code == 302
    assert db.session.get(Document, doc.id).state == State.PUBLISHED
