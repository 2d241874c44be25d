"""A 公文 out: the Word file re-read with python-docx (page, margins, fonts, 附注 under the date,
版记, page numbers), converted by LibreOffice where the machine has it; the PDF rendered by
WeasyPrint and turned into PNG pages with pdftoppm; the tool's own file imported back gives the
same fields."""
import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt
from sqlalchemy import select

from reviewtool.gongwen.parts import blocks
from reviewtool.labels import State
from reviewtool.models import Document

from . import docx_samples as S

OUT = Path(__file__).resolve().parents[1] / "test-output" / "gongwen"

BODY = "\n".join([S.OPENING, S.H1, S.H2, S.H3, S.H4, S.H1B, S.RUN_IN])
FULL = dict(
    title=S.TITLE, doc_number=S.DOC_NUMBER, issuer_mark=S.ISSUER_MARK, direction="downward",
    main_recipients=S.RECIPIENTS, attachment_note="\n".join(S.ATTACHMENTS), signature=S.SIGNATURE,
    signed_on="2020-06-28", note="联系人：办公室 电话：0595-22222222", cc=S.CC, printed_by=S.PRINTED_BY,
    printed_on="2020-06-28", disclosure="proactive", channels=["portal"],
)
TABLE_HTML = ("<table><tr><th>公开事项</th><th>公开时限</th></tr>"
              "<tr><td>主动公开的政府信息</td><td>形成或者变更之日起20个工作日内</td></tr></table>")


def body_html():
    paragraphs = "".join(f"<p>{line}</p>" for line in BODY.split("\n"))
    return paragraphs.replace(f"<p>{S.H1B}</p>", TABLE_HTML + f"<p>{S.H1B}</p>")


@pytest.fixture
def full_document(db, users, browser):
    drafter = browser("drafter")
    assert drafter.post("/documents/new", dict(FULL, body_html=body_html())).status_code == 302
    return drafter, db.session.scalars(select(Document)).one()


def content(body_html):
    """A body as the paper prints it: each block's kind, heading level, text and table cells."""
    return [(b.kind, b.level, b.text, [[(c.lines, c.header, c.colspan) for c in row] for row in b.rows])
            for b in blocks(body_html)]


def squeeze(text):
    """Text as pdftotext gives it, compared without its line breaks and spaces."""
    return "".join(text.split())


def east_asia(run):
    rpr = run._element.rPr
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def paragraph(document, text):
    return next(p for p in document.paragraphs if p.text == text)


def test_the_word_file_is_laid_out_to_gbt_9704(full_document):
    drafter, doc = full_document
    response = drafter.get(f"/documents/{doc.id}/paper.docx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment;" in response.headers["Content-Disposition"]
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "seed-001.docx").write_bytes(response.data)
    document = docx.Document(io.BytesIO(response.data))        # opens: it is a well-formed package

    section = document.sections[0]
    def mm(length):                        # stored in twips: within 0.05 mm
        return round(length.mm, 1)
    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (37, 35)
    assert (mm(section.left_margin), mm(section.right_margin)) == (28, 26)

    normal = document.styles["Normal"]
    assert normal.font.name == "仿宋_GB2312" and normal.font.size == Pt(16)
    assert normal.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert normal.paragraph_format.line_spacing == Pt(29)

    mark = paragraph(document, S.ISSUER_MARK)
    assert east_asia(mark.runs[0]) == "方正小标宋简体" and str(mark.runs[0].font.color.rgb) == "FF0000"
    number = paragraph(document, S.DOC_NUMBER)
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")).get(qn("w:color")) == "FF0000"

    title = paragraph(document, S.TITLE)
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].font.size == Pt(22) and east_asia(title.runs[0]) == "方正小标宋简体"

    recipients = paragraph(document, S.RECIPIENTS + "：")
    assert not recipients.paragraph_format.first_line_indent                  # 顶格
    opening = paragraph(document, S.OPENING)
    assert opening.paragraph_format.first_line_indent == Pt(32)              # two characters in

    # headings: 一、 黑体, （一） 楷体_GB2312, 1. and （1） 仿宋_GB2312; a run-in heading only to its 。
    assert [east_asia(r) for r in paragraph(document, S.H1).runs] == ["黑体"]
    assert [east_asia(r) for r in paragraph(document, S.H2).runs] == ["楷体_GB2312"]
    assert [east_asia(r) for r in paragraph(document, S.H3).runs] == ["仿宋_GB2312"]
    assert [east_asia(r) for r in paragraph(document, S.H4).runs] == ["仿宋_GB2312"]
    run_in = paragraph(document, S.RUN_IN)
    assert [(r.text, east_asia(r)) for r in run_in.runs] == [
        (S.RUN_IN[:S.RUN_IN.index("。") + 1], "楷体_GB2312"), (S.RUN_IN[S.RUN_IN.index("。") + 1:], "仿宋_GB2312")]

    table = document.tables[0]
    assert [c.text for c in table.rows[1].cells] == ["主动公开的政府信息", "形成或者变更之日起20个工作日内"]

    texts = [p.text for p in document.paragraphs]
    assert f"附件：1. {S.ATTACHMENTS[0]}" in texts and f"2. {S.ATTACHMENTS[1]}" in texts
    at = texts.index("2020年6月28日")
    assert texts[at - 1] == S.SIGNATURE
    annotation = document.paragraphs[at + 1]                                # 附注: under the date
    assert annotation.text == "（此件主动公开）"
    assert annotation.paragraph_format.first_line_indent == Pt(32)         # indented two characters
    assert annotation.alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert document.paragraphs[at + 2].text == "（联系人：办公室 电话：0595-22222222）"
    assert texts.count("（此件主动公开）") == 1

    imprint = document.tables[-1]                                           # 版记
    assert imprint.rows[0].cells[0].text == f"抄送：{S.CC}。"
    assert imprint.rows[1].cells[0].text == f"{S.PRINTED_BY}\t2020年6月28日印发"
    borders = imprint._tbl.tblPr.find(qn("w:tblBorders"))
    assert [borders.find(qn(f"w:{side}")).get(qn("w:sz")) for side in ("top", "insideH", "bottom")] == ["8", "6", "8"]

    # page numbers “— 1 —” in 四号宋体, right on odd pages and left on even ones
    assert document.settings.odd_and_even_pages_header_footer
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                          (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0]
        assert p.alignment == align
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert " PAGE " in [t.text for t in p._p.iter(qn("w:instrText"))]
        assert {east_asia(r) for r in p.runs} == {"宋体"} and {r.font.size for r in p.runs} == {Pt(14)}

    # every run with text names its East-Asian font
    runs = [r for p in document.paragraphs for r in p.runs if r.text.strip()]
    runs += [r for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs
             for r in p.runs if r.text.strip()]
    assert runs and all(east_asia(r) for r in runs)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed on this machine")
def test_libreoffice_opens_the_word_file(full_document, tmp_path):
    drafter, doc = full_document
    source = tmp_path / "paper.docx"
    source.write_bytes(drafter.get(f"/documents/{doc.id}/paper.docx").data)
    done = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    text = subprocess.run(["pdftotext", str(tmp_path / "paper.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    for piece in (S.ISSUER_MARK, "（此件主动公开）", "2020年6月28日印发", "— 1 —"):
        assert squeeze(piece) in squeeze(text), piece


def test_the_pdf_is_rendered_and_its_pages_turn_into_images(full_document, tmp_path):
    drafter, doc = full_document
    response = drafter.get(f"/documents/{doc.id}/paper.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    OUT.mkdir(parents=True, exist_ok=True)
    pdf_path = OUT / "seed-001.pdf"
    pdf_path.write_bytes(response.data)
    for old in OUT.glob("seed-001-page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf_path), str(OUT / "seed-001-page")], check=True)
    pages = sorted(OUT.glob("seed-001-page-*.png"))
    assert len(pages) == 2
    from PIL import Image
    for page in pages:
        with Image.open(page) as image:
            width, height = image.size
            assert abs(height / width - 297 / 210) < 0.01                  # A4
            assert image.convert("L").getextrema()[0] < 64                   # ink on the page
    info = subprocess.run(["pdfinfo", str(pdf_path)], capture_output=True, text=True, check=True).stdout
    assert "595.276 x 841.89 pts (A4)" in info
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True,
                          check=True).stdout
    for piece in (S.ISSUER_MARK, S.DOC_NUMBER, S.H1, "（此件主动公开）", f"抄送：{S.CC}。", "— 1 —", "— 2 —"):
        assert squeeze(piece) in squeeze(text), piece
    fonts = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True, check=True).stdout
    # 仿宋 and 黑体 fall back to the CJK fonts Debian ships, embedded: serif body, sans 一、 headings
    assert "Noto-Serif-CJK-SC" in fonts and "Noto-Sans-CJK-SC" in fonts


def test_importing_the_tools_own_word_file_gives_back_the_same_fields(full_document, db):
    drafter, doc = full_document
    exported = drafter.get(f"/documents/{doc.id}/paper.docx").data
    response = drafter.upload("/documents/new", dict(intent="import", source_file=(io.BytesIO(exported),
                                                                                     "导出.docx")))
    assert response.status_code == 302, response.get_data(True)
    back = db.session.scalars(select(Document).where(Document.id != doc.id)).one()
    for name in ("title", "doc_number", "issuer_mark", "main_recipients", "attachment_note",
                 "signature", "signed_on", "note", "cc", "printed_by", "printed_on", "disclosure"):
        assert getattr(back, name) == getattr(doc, name), name
    assert content(back.body_html) == content(doc.body_html)      # paragraphs, headings, table
    assert [b.kind for b in blocks(back.body_html)].count("table") == 1


def test_an_upward_document_shows_its_signer_and_a_draft_a_blank_date(db, users, browser, make_document):
    doc = make_document(State.PRINCIPAL_REVIEW, direction="upward", title="关于申请养护专项资金的请示",
                        doc_number="某交规〔2026〕7号")
    principal = browser("principal")
    page = principal.get(f"/documents/{doc.id}").get_data(True)
    assert "签发人：" in page and "（签发后填写）" in page
    document = docx.Document(io.BytesIO(principal.get(f"/documents/{doc.id}/paper.docx").data))
    head = next(p for p in document.paragraphs if p.text.startswith("某交规〔2026〕7号"))
    assert head.text.startswith("某交规〔2026〕7号\t签发人：")
    assert any(p.text == "　　　　年　　月　　日" for p in document.paragraphs)   # signed later
    assert browser("principal").post(f"/review/{doc.id}/principal_sign_off").status_code == 302
    signed = db.session.get(Document, doc.id)
    assert signed.signer == users["principal"].name and signed.signed_on is not None
    document = docx.Document(io.BytesIO(principal.get(f"/documents/{doc.id}/paper.docx").data))
    assert any(p.text.endswith(f"签发人：{users['principal'].name}") for p in document.paragraphs)
    downward = make_document(State.DRAFT, title="下行文")
    assert "签发人：" not in browser("drafter").get(f"/documents/{downward.id}").get_data(True)


def test_the_output_never_reads_another_documents_image(app, db, users, browser, make_document):
    """A body may point at any /files/N; the paper takes images of its own document only."""
    drafter = browser("drafter")
    drafter.upload("/documents/new", dict(intent="import", source_file=(
        io.BytesIO(S.seed_document(image=S.png(), appendix=False)), "a.docx")))
    first = db.session.scalars(select(Document)).one()
    image_src = next(a.url for a in first.attachments if a.kind.value == "image")
    other = make_document(State.DRAFT, title="别的公文", body_html=f'<p>图：</p><img src="{image_src}">')
    assert f'<img src="{image_src}">' in other.body_html
    document = docx.Document(io.BytesIO(drafter.get(f"/documents/{other.id}/paper.docx").data))
    assert len(document.inline_shapes) == 0
    mine = docx.Document(io.BytesIO(drafter.get(f"/documents/{first.id}/paper.docx").data))
    assert len(mine.inline_shapes) == 1
    assert pdf_images(drafter.get(f"/documents/{first.id}/paper.pdf").data) == 1
    assert pdf_images(drafter.get(f"/documents/{other.id}/paper.pdf").data) == 0
    # and the other drafter's reader never gets it by URL
    assert browser("outsider").get(image_src).status_code == 404


def pdf_images(data):
    """How many images the PDF holds (poppler's pdfimages)."""
    import tempfile
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        listing = subprocess.run(["pdfimages", "-list", f.name], capture_output=True, text=True,
                                 check=True).stdout.splitlines()
    return len(listing) - 2                                   # minus the two header lines


def test_the_pdf_engine_fetches_no_file_and_no_server(tmp_path):
    """Even HTML that escaped the sanitizer cannot make WeasyPrint read a file or call a server."""
    from reviewtool.gongwen import parts, pdf
    secret = tmp_path / "secret.png"
    secret.write_bytes(S.png())
    paper = parts.Paper(title="测试", body_html=f'<p>a</p><img src="file://{secret}">'
                                                 '<img src="http://127.0.0.1:9/x.png"><img src="/files/1">')
    asked = []
    data = pdf.write(paper, image=lambda src: asked.append(src) or None)
    assert data.startswith(b"%PDF-") and pdf_images(data) == 0
    assert asked == ["/files/1"]                              # only the app's own image was asked for


def test_downloads_are_for_those_who_may_see_the_document(db, users, browser, make_document):
    draft = make_document(State.DRAFT)
    for who in ("colleague", "outsider", "head", "office"):
        assert browser(who).get(f"/documents/{draft.id}/paper.docx").status_code == 404
        assert browser(who).get(f"/documents/{draft.id}/paper.pdf").status_code == 404
    assert browser().get(f"/documents/{draft.id}/paper.docx").status_code == 302      # to the login


def test_the_public_pdf_is_the_published_text(db, users, browser, make_document):
    from reviewtool.workflow import perform
    doc = make_document(State.PUBLISH_QUEUE, doc_number="某交办〔2026〕12号",
                        body_html="<p>联系电话13812345678，请按时参加。</p>")
    assert browser().get(f"/gk/{doc.id}/paper.pdf").status_code == 404             # not yet published
    from reviewtool.operations import resolve_pii
    resolve_pii(doc, users["office"], "mobile", "13812345678", "redact")
    perform(doc, "confidentiality_pass", users["office"])
    perform(doc, "mark_published", users["office"], published_on=date(2026, 11, 20), channel="portal",
            url="https://example.gov.cn/1.html")
    db.session.commit()
    response = browser().get(f"/gk/{doc.id}/paper.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", "-", "-"], input=response.data, capture_output=True,
                          check=True).stdout.decode()
    assert "■■■" in text and "13812345678" not in text and "（此件主动公开）" in text
