"""The document as users live it, in a real browser: a Word file uploaded (a bad one refused in
place first), its parts confirmed on the form, the 发文字号 fix accepted, a 附件 added, and the
公文 downloaded as Word and PDF."""
import io
import re
from pathlib import Path

import docx
import pytest

from .. import docx_samples as S
from .conftest import UPLOAD_LIMIT, expect, screenshot

pytestmark = pytest.mark.e2e


def test_drafter_imports_a_word_file_and_downloads_the_gongwen(open_session, tmp_path):
    nigao = open_session("nigao")
    page = nigao.page
    page.get_by_role("link", name="起草公文").click()
    form = page.locator("#document-form")
    expect(form.get_by_label("发文机关标志")).to_have_value(re.compile("文件$"))    # the usual default

    # A .doc is refused in place; what was typed stays.
    form.get_by_label("标题").fill("先填的标题")
    old = tmp_path / "旧格式.doc"
    old.write_bytes(S.doc_97())
    form.get_by_label("从 Word 文件导入").set_input_files(str(old))
    with page.expect_response(lambda r: r.request.method == "POST") as refused:
        form.get_by_role("button", name="导入", exact=True).click()
    assert refused.value.status == 422
    form = page.locator("#document-form")
    expect(form.locator("#import .field-error")).to_contain_text("旧版 Word 文档（.doc）")
    expect(form.get_by_label("标题")).to_have_value("先填的标题")
    form.locator("#import").scroll_into_view_if_needed()
    screenshot(page, "30-import-refused")

    # The real file: a draft made from its parts, opened for the drafter to confirm.
    source = tmp_path / "泉交办〔2020〕19号.docx"
    source.write_bytes(S.seed_document(image=S.png(160, 80)))
    form.get_by_label("从 Word 文件导入").set_input_files(str(source))
    form.get_by_role("button", name="导入", exact=True).click()
    expect(page).to_have_url(re.compile(r"/documents/\d+/edit$"))
    expect(page.locator(".flash-success")).to_contain_text("已从《泉交办〔2020〕19号.docx》导入")
    form = page.locator("#document-form")
    expect(form.get_by_label("标题")).to_have_value(S.TITLE)
    expect(form.get_by_label("主送机关")).to_have_value(S.RECIPIENTS)
    expect(form.get_by_label("发文机关署名")).to_have_value(S.SIGNATURE)
    expect(form.get_by_label("成文日期", exact=True)).to_have_value("2020-06-28")
    expect(form.get_by_label("抄送机关")).to_have_value(S.CC)
    expect(form.get_by_role("radio", name="主动公开")).to_be_checked()
    expect(form.get_by_label("正文")).to_have_value(re.compile(S.H1))
    screenshot(page, "31-import-confirm", full_page=True)

    # A 发文字号 with [ ] is refused with the fix; the drafter accepts it.
    form.locator("#doc_number").fill("泉交办[2020]19号")
    page.locator("#disclosure-fields").get_by_label("门户网站政府信息公开专栏").check()
    form.get_by_role("button", name="保存草稿").click()
    form = page.locator("#document-form")
    expect(form.locator(".field-error").first).to_contain_text("年份用六角括号〔〕")
    form.get_by_role("button", name="改为“泉交办〔2020〕19号”").click()
    expect(form.locator("#doc_number")).to_have_value("泉交办〔2020〕19号")
    expect(form.locator("#doc_number")).to_be_focused()
    form.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".flash-success")).to_have_text("已保存草稿。")

    # The paper as the leaders will sign it: 版头, the image, the 附注 once, the 附件 kept.
    paper = page.locator("#paper")
    expect(paper.locator(".paper-mark")).to_have_text(S.ISSUER_MARK)
    expect(paper.locator(".paper-number")).to_have_text("泉交办〔2020〕19号")
    expect(paper.locator(".paper-annotation").first).to_have_text("（此件主动公开）")
    expect(paper.locator(".paper-imprint")).to_contain_text("2020年6月28日印发")
    image = paper.locator(".paper-body img")
    expect(image).to_have_count(1)
    assert image.evaluate("img => img.complete && img.naturalWidth") == 160
    attachments = page.locator("#attachments")
    expect(attachments).to_contain_text(f"{S.APPENDIX_TITLE}.docx")
    expect(attachments).to_contain_text("泉交办〔2020〕19号.docx")               # the original, kept

    # A 附件 over the limit is refused by the browser before it is sent; a real one is added in place.
    big = tmp_path / "太大.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * UPLOAD_LIMIT)
    attachments.get_by_label("添加附件").set_input_files(str(big))
    expect(attachments.locator(".field-error")).to_have_text("文件过大，附件不能超过768 KB。")
    listing = tmp_path / f"{S.ATTACHMENTS[1]}.pdf"
    listing.write_bytes(b"%PDF-1.4\n% catalogue\n")
    nigao.mark()
    attachments.get_by_label("添加附件").set_input_files(str(listing))
    attachments.get_by_role("button", name="上传附件").click()
    attachments = page.locator("#attachments")
    expect(attachments.locator(".flash-success")).to_have_text(f"已添加附件：{S.ATTACHMENTS[1]}.pdf")
    assert nigao.marker_survived(), "adding an attachment reloaded the page"
    names = attachments.locator("ol.attachment-list > li > a").all_inner_texts()
    assert names == [f"{S.APPENDIX_TITLE}.docx", f"{S.ATTACHMENTS[1]}.pdf"]       # 附件说明 order
    attachments.scroll_into_view_if_needed()
    screenshot(page, "32-imported-document", full_page=True)

    # The 公文 out: Word laid out to GB/T 9704, and a PDF.
    with page.expect_download() as word:
        attachments.get_by_role("link", name="下载公文（Word，GB/T 9704 版式）").click()
    assert word.value.suggested_filename == f"{S.TITLE}.docx"
    document = docx.Document(io.BytesIO(Path(word.value.path()).read_bytes()))
    assert round(document.sections[0].page_width.mm) == 210
    texts = [p.text for p in document.paragraphs]
    assert S.TITLE in texts and texts[texts.index("2020年6月28日") + 1] == "（此件主动公开）"
    assert len(document.inline_shapes) == 1
    with page.expect_download() as pdf:
        attachments.get_by_role("link", name="下载 PDF").click()
    assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF-")


def test_the_public_downloads_what_was_published_with_a_document(open_session):
    """/gk/<id>: the published text with its 附件 and the PDF, no login."""
    visitor = open_session()
    page = visitor.page
    visitor.goto("/gk/")
    page.locator("#catalogue").get_by_role("link", name="关于印发2018年政务公开工作要点的通知").click()
    files = page.locator("#public-files")
    expect(files.get_by_role("link", name="2018年政务公开工作要点.docx")).to_be_visible()
    screenshot(page, "33-public-document-files", full_page=True)
    with page.expect_download() as annex:
        files.get_by_role("link", name="2018年政务公开工作要点.docx").click()
    document = docx.Document(io.BytesIO(Path(annex.value.path()).read_bytes()))
    assert document.paragraphs[0].text == "2018年政务公开工作要点"
    with page.expect_download() as pdf:
        files.get_by_role("link", name="下载本文件（PDF）").click()
    assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF-")
