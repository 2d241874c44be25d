"""Word in: real .docx files built from the seed texts are uploaded through the document form;
every part of the 公文 lands in its field, the rest stays in the body in order, images and the
original are kept; bad files are refused in place and nothing saved is lost."""
import hashlib
import html
import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from reviewtool.gongwen import store
from reviewtool.labels import AttachmentKind, Disclosure, State
from reviewtool.models import Attachment, Document, Event
from reviewtool.sanitize import body_text

from . import docx_samples as S


def upload(browser_, url, data, filename="通知.docx", **form):
    return browser_.upload(url, dict(form, intent="import", source_file=(io.BytesIO(data), filename)))


def field_errors(page):
    return re.findall(r'class="field-error">([^<]*)<', page)


def test_a_word_file_becomes_a_draft_with_every_part_in_its_field(app, db, users, browser):
    drafter = browser("drafter")
    source = S.seed_document(image=S.png(120, 60))
    response = upload(drafter, "/documents/new", source, "泉交办〔2020〕19号.docx")
    assert response.status_code == 302, response.get_data(True)
    doc = db.session.scalars(select(Document)).one()
    assert response.headers["Location"].endswith(f"/documents/{doc.id}/edit")

    assert doc.issuer_mark == S.ISSUER_MARK
    assert doc.doc_number == S.DOC_NUMBER
    assert doc.title == S.TITLE                                  # two centred lines, one title
    assert doc.main_recipients == S.RECIPIENTS
    assert doc.attachment_lines == S.ATTACHMENTS
    assert doc.signature == S.SIGNATURE
    assert doc.signed_on == date(2020, 6, 28) and doc.signed_on_by_hand
    assert doc.note == "联系人：办公室 电话：0595-22222222"
    assert doc.disclosure == Disclosure.PROACTIVE                # the typed 附注 → the attribute
    assert doc.cc == S.CC
    assert doc.printed_by == S.PRINTED_BY and doc.printed_on == date(2020, 6, 28)

    # The body: the paragraphs, the four heading levels, the table, the run-in heading — in order,
    # and none of the parts recognized above.
    text = body_text(doc.body_html)
    order = [S.OPENING, S.H1, S.H2, S.H3, S.H4, "公开事项", "形成或者变更之日起20个工作日内", S.H1B,
             S.RUN_IN]
    positions = [text.index(piece) for piece in order]
    assert positions == sorted(positions)
    assert "<table>" in doc.body_html and "<td>" in doc.body_html
    for part in (S.TITLE_LINES[0], S.RECIPIENTS, S.DATE_TEXT, "此件主动公开", "抄送：", "日印发", S.ISSUER_MARK,
                 "附件："):
        assert part not in text, part

    # The image is kept and shown from the app; the original file is kept as it was uploaded.
    image = db.session.scalars(select(Attachment).filter_by(kind=AttachmentKind.IMAGE)).one()
    assert f'<img src="/files/{image.id}" alt="插图1">' in doc.body_html
    shown = drafter.get(f"/files/{image.id}")
    assert shown.status_code == 200 and shown.data == S.png(120, 60)
    assert shown.headers["Content-Type"] == "image/png"
    original = db.session.scalars(select(Attachment).filter_by(kind=AttachmentKind.SOURCE)).one()
    assert original.sha256 == hashlib.sha256(source).hexdigest()
    assert store.path_of(original.sha256).read_bytes() == source
    assert original.filename == "泉交办〔2020〕19号.docx"

    # The 附件 page after the date became a .docx 附件, its text read for the personal-data scan.
    annex = db.session.scalars(select(Attachment).filter_by(kind=AttachmentKind.ANNEX)).one()
    assert annex.filename == f"{S.APPENDIX_TITLE}.docx"
    assert S.APPENDIX_TEXT[:30] in annex.text and S.APPENDIX_TITLE in annex.text

    events = db.session.scalars(select(Event).filter_by(document_id=doc.id).order_by(Event.id)).all()
    assert [e.action.value for e in events] == ["create", "import_docx"]
    assert "泉交办〔2020〕19号.docx" in events[1].after and original.sha256 in events[1].after

    # The drafter confirms on the form; the paper prints the 附注 once.
    form = drafter.get(f"/documents/{doc.id}/edit").get_data(True)
    assert "已从《泉交办〔2020〕19号.docx》导入" in form and "请逐项核对" in form
    assert f'value="{S.DOC_NUMBER}"' in form and f'value="{S.RECIPIENTS}"' in form
    page = drafter.get(f"/documents/{doc.id}").get_data(True)
    paper = page[page.index('id="paper"'):page.index("<aside")]
    assert paper.count("此件主动公开") == 1
    assert "（联系人：办公室 电话：0595-22222222）" in paper


def test_headings_numbered_by_word_keep_their_numbers_and_a_bracketed_number_is_offered_a_fix(
        app, db, users, browser):
    drafter = browser("drafter")
    data = S.seed_document(numbered_headings=True, upward=True, brackets="[]", appendix=False,
                           annotation=False)
    assert upload(drafter, "/documents/new", data).status_code == 302
    doc = db.session.scalars(select(Document)).one()
    text = body_text(doc.body_html)
    for heading in ("一、政务公开范围和形式", "（一）公开范围", "1.政务公开清单所列项目内容", "（1）在门户网站"):
        assert heading in text
    assert doc.signer == "陈建国"
    assert doc.doc_number == "泉交办[2020]19号"                # as typed: the drafter accepts the fix
    assert doc.disclosure is None                              # no 附注 in this file
    form = drafter.get(f"/documents/{doc.id}/edit").get_data(True)
    assert 'data-fill="doc_number" data-value="泉交办〔2020〕19号"' in form
    assert "改为“泉交办〔2020〕19号”" in form
    refused = drafter.post(f"/documents/{doc.id}/submit")
    assert refused.status_code == 422
    assert db.session.get(Document, doc.id).state == State.DRAFT


def test_lists_an_image_a_browser_cannot_show_and_an_unrecognized_tail_stay_in_the_body(
        app, db, users, browser):
    """Nothing is silently dropped: a bullet list stays a list, a BMP is kept as a file with a note
    in its place, a paragraph after the date that is no 附件 page stays in the body (with a note)."""
    drafter = browser("drafter")
    data = S.seed_document(bullets=True, tail=True, appendix=False, image=S.bmp())
    response = upload(drafter, "/documents/new", data)
    assert response.status_code == 302
    doc = db.session.scalars(select(Document)).one()
    assert f"<ul><li>{S.BULLETS[0]}</li><li>{S.BULLETS[1]}</li></ul>" in doc.body_html
    image = db.session.scalars(select(Attachment).filter_by(kind=AttachmentKind.IMAGE)).one()
    assert image.filename.endswith(".bmp") and store.path_of(image.sha256).read_bytes() == S.bmp()
    assert "<img" not in doc.body_html and "［图：原文件中的图片，网页无法显示，已随原文件保存］" in doc.body_html
    text = body_text(doc.body_html)
    assert text.endswith(S.TAIL) and doc.signed_on == date(2020, 6, 28)
    page = drafter.get(f"/documents/{doc.id}/edit").get_data(True)
    assert "成文日期之后有1段内容未能识别为附件或附注，已放在正文末尾，请核对。" in page


def test_importing_into_a_draft_fills_the_form_and_saves_nothing_until_confirmed(app, db, users, browser,
                                                                                make_document):
    doc = make_document(State.DRAFT, title="原来的标题", body_html="<p>原来的正文。</p>")
    drafter = browser("drafter")
    response = upload(drafter, f"/documents/{doc.id}/edit", S.seed_document(appendix=False),
                      title="原来的标题", body_html="原来的正文。")
    assert response.status_code == 200
    page = response.get_data(True)
    assert "以上内容尚未保存" in page
    assert f'value="{S.TITLE}"' in page and S.H1 in page
    kept = db.session.get(Document, doc.id)
    assert kept.title == "原来的标题" and kept.body_html == "<p>原来的正文。</p>"   # nothing saved yet
    assert [a.kind for a in kept.attachments] == [AttachmentKind.SOURCE]           # the original is kept
    # The drafter confirms: the form posts what it shows.
    shown = re.search(r'<textarea[^>]*name="body_html"[^>]*>\n?(.*?)</textarea>', page, re.S).group(1)
    fields = dict(title=S.TITLE, body_html=html.unescape(shown), main_recipients=S.RECIPIENTS,
                  disclosure="proactive", channels=["portal"])
    assert drafter.post(f"/documents/{doc.id}/edit", fields).status_code == 302
    saved = db.session.get(Document, doc.id)
    assert saved.title == S.TITLE and S.H1 in body_text(saved.body_html)


BAD_FILES = [
    ("plain.docx", lambda: "这不是Word文件".encode(), "该文件不是 Word 文档（.docx）"),
    ("旧格式.doc", S.doc_97, "旧版 Word 文档（.doc）"),
    ("加密.docx", S.encrypted_docx, "设置了打开密码"),
    ("宏.docm", S.macro_docx, "含有宏"),
    ("宏.docx", S.macro_docx, "含有宏"),
    ("炸弹.docx", S.zip_bomb, "压缩炸弹"),
    ("损坏.docx", S.corrupt_docx, "文件已损坏"),
    ("扫描件.docx", lambda: b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n", "这是 PDF 文件"),
    ("过大.docx", lambda: S.seed_document(appendix=False) + b"\0" * (4 * 1024 * 1024), "文件过大"),
]


@pytest.mark.parametrize("filename, make, message", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_bad_file_is_refused_in_place_and_nothing_is_lost(app, db, users, browser, make_document,
                                                            filename, make, message):
    doc = make_document(State.DRAFT, title="已保存的标题", body_html="<p>已保存的正文。</p>")
    drafter = browser("drafter")
    response = upload(drafter, f"/documents/{doc.id}/edit", make(), filename,
                      title="正在修改、尚未保存的标题", body_html="正在修改的正文")
    assert response.status_code == 422
    page = response.get_data(True)
    assert any(message in e for e in field_errors(page)), field_errors(page)
    assert 'value="正在修改、尚未保存的标题"' in page                 # what was typed is still there
    kept = db.session.get(Document, doc.id)
    assert (kept.title, kept.body_html) == ("已保存的标题", "<p>已保存的正文。</p>")
    assert kept.attachments == []
    assert not db.session.scalars(select(Event).filter_by(document_id=doc.id, action="import_docx")).all()
    # on a new document: nothing is created
    again = upload(drafter, "/documents/new", make(), filename, title="新公文")
    assert again.status_code == 422 and any(message in e for e in field_errors(again.get_data(True)))
    assert db.session.scalars(select(Document)).all() == [kept]


def test_a_zip_bomb_by_ratio_is_refused_before_it_is_unpacked(app, db, users, browser):
    """Under the total limit but 10 MB of zeros in one part: the ratio gives it away."""
    data = S.zip_with({"[Content_Types].xml": "<Types/>", "word/document.xml": b"\0" * (10 * 1024 * 1024)})
    response = upload(browser("drafter"), "/documents/new", data)
    assert response.status_code == 422
    assert any("压缩比异常" in e for e in field_errors(response.get_data(True)))


def test_a_request_over_max_content_length_is_refused_with_a_chinese_message(app, db, users, browser,
                                                                             make_document):
    doc = make_document(State.DRAFT, title="已保存的标题")
    big = b"PK\x03\x04" + b"\0" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = upload(browser("drafter"), f"/documents/{doc.id}/edit", big)
    assert response.status_code == 413
    assert "超过了 5 MB 的上限，未能保存" in response.get_data(True)
    assert db.session.get(Document, doc.id).title == "已保存的标题"


def test_no_file_chosen_is_said_in_place(app, db, users, browser):
    response = browser("drafter").upload("/documents/new", dict(intent="import", title="x"))
    assert response.status_code == 422
    assert "请选择要导入的 Word 文件（.docx）。" in field_errors(response.get_data(True))


def test_only_the_drafter_of_an_editable_draft_imports(app, db, users, browser, make_document):
    submitted = make_document(State.OFFICE_CHECK)
    assert upload(browser("drafter"), f"/documents/{submitted.id}/edit", S.seed_document()).status_code == 403
    draft = make_document(State.DRAFT)
    assert upload(browser("colleague"), f"/documents/{draft.id}/edit", S.seed_document()).status_code == 404
    assert upload(browser("office"), "/documents/new", S.seed_document()).status_code == 403
    assert db.session.scalars(select(Attachment)).all() == []
