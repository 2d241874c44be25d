"""A 公文 out as a PDF (for the portal and the archive), rendered by WeasyPrint from the same
parts as the Word file (``parts.Paper`` and ``parts.blocks``), laid out to GB/T 9704-2012.

The HTML is built here as a tree (lxml's E-factory: every text is escaped), never from the user's
markup; images are fetched only through the caller's ``image(src)`` — WeasyPrint is given a
fetcher that refuses every other URL, so a body can make it read no file and call no server.
The fonts are the standard names first (仿宋_GB2312, 黑体, 楷体_GB2312, 方正小标宋简体), then the
Noto CJK fonts Debian ships (fonts-noto-cjk), which a server without the bureau's fonts uses.
"""
import io

from lxml import etree
from lxml.html import builder as E

from . import parts

SERIF = '"仿宋_GB2312", "仿宋", "FangSong", "Noto Serif CJK SC", serif'
SANS = '"黑体", "SimHei", "Noto Sans CJK SC", sans-serif'
KAI = '"楷体_GB2312", "楷体", "KaiTi", "Noto Serif CJK SC", serif'
TITLE = '"方正小标宋简体", "方正小标宋_GBK", "Noto Serif CJK SC", serif'
SONG = '"宋体", "SimSun", "Noto Serif CJK SC", serif'

CSS = f"""
@page {{
  size: A4; margin: 37mm 26mm 35mm 28mm;
  @bottom-right {{ content: "— " counter(page) " —"; font: 14pt {SONG}; vertical-align: top;
                   padding-top: 7mm; padding-right: 1em; }}
}}
@page :left {{
  @bottom-right {{ content: none; }}
  @bottom-left {{ content: "— " counter(page) " —"; font: 14pt {SONG}; vertical-align: top;
                  padding-top: 7mm; padding-left: 1em; }}
}}
html {{ font-family: {SERIF}; font-size: 16pt; line-height: 29pt; color: #000; }}
body {{ margin: 0; }}
p {{ margin: 0; text-align: justify; }}
.mark {{ font-family: {TITLE}; font-size: 36pt; line-height: 48pt; color: #e00; text-align: center;
         font-weight: bold; margin-bottom: 29pt; }}
.number {{ text-align: center; border-bottom: 1.5pt solid #e00; padding-bottom: 4mm;
           margin-bottom: 29pt; }}
.number.upward {{ display: flex; justify-content: space-between; text-align: left;
                  padding-left: 1em; padding-right: 1em; }}
.signer-name {{ font-family: {KAI}; }}
h1 {{ font-family: {TITLE}; font-size: 22pt; line-height: 36pt; text-align: center;
      font-weight: bold; margin: 0 0 29pt 0; }}
.recipients {{ text-indent: 0; }}
.text {{ text-indent: 2em; }}
.h1 {{ font-family: {SANS}; }}
.h2 {{ font-family: {KAI}; }}
table.grid {{ border-collapse: collapse; width: 100%; font-size: 14pt; line-height: 22pt;
              margin: 0; }}
table.grid td, table.grid th {{ border: 0.75pt solid #000; padding: 0 4pt; vertical-align: top; }}
table.grid th {{ font-family: {SANS}; font-weight: normal; }}
.image {{ text-align: center; }}
.image img {{ max-width: 100%; }}
.attachments {{ margin-top: 29pt; }}
.attachments p {{ text-indent: 0; padding-left: 5em; }}
.attachments p.first {{ padding-left: 2em; }}
.signature {{ margin-top: 29pt; text-align: right; }}
.signature p {{ text-align: right; }}
.annotation {{ text-indent: 2em; text-align: left; }}
/* 版记: at the foot of the last page (a footnote without its call, in the page's footnote area) */
@page {{ @footnote {{ margin-top: 0; }} }}
.imprint {{ float: footnote; font-size: 14pt; line-height: 29pt; border-top: 1pt solid #000;
            border-bottom: 1pt solid #000; text-align: left; }}
.imprint::footnote-call {{ content: none; }}
.imprint::footnote-marker {{ content: none; }}
.imprint p {{ padding: 0 1em; text-align: left; }}
.imprint .cc {{ padding-left: 4em; text-indent: -3em; border-bottom: 0.75pt solid #000; }}
.imprint .printed {{ display: flex; justify-content: space-between; }}
.redaction-mark {{ background: #000; color: #fff; }}
"""

_BASE = "https://paper.invalid/"


def _runs(block):
    """A paragraph's text as inline elements; the heading part of a heading in its font."""
    out = []
    heading_chars = parts.heading_length(block.text) if block.level else 0
    done = 0
    for run in block.runs:
        cut = max(0, min(len(run.text), heading_chars - done))
        for text, in_heading in ((run.text[:cut], True), (run.text[cut:], False)):
            if not text:
                continue
            lines = text.split("\n")
            pieces = []
            for i, line in enumerate(lines):
                if i:
                    pieces.append(E.BR())
                pieces.append(line)
            el = E.SPAN(*pieces)
            if in_heading and block.level in (1, 2):
                el.set("class", f"h{block.level}")
            for flag, tag in ((run.bold, "b"), (run.italic, "i"), (run.underline, "u")):
                if flag:
                    wrapper = etree.Element(tag)
                    wrapper.append(el)
                    el = wrapper
            out.append(el)
        done += len(run.text)
    return out


def _body(blocks):
    out = []
    for block in blocks:
        if block.kind == "table":
            rows = []
            for row in block.rows:
                cells = []
                for cell in row:
                    content = []
                    for i, line in enumerate(cell.lines):
                        if i:
                            content.append(E.BR())
                        content.append(line)
                    el = (E.TH if cell.header else E.TD)(*content)
                    if cell.colspan > 1:
                        el.set("colspan", str(cell.colspan))
                    if cell.rowspan > 1:
                        el.set("rowspan", str(cell.rowspan))
                    cells.append(el)
                rows.append(E.TR(*cells))
            out.append(E.TABLE(E.CLASS("grid"), *rows))
        elif block.kind == "image":
            out.append(E.P(E.CLASS("image"), E.IMG(src=block.src, alt=block.alt or "")))
        else:
            prefix = []
            if block.kind == "li":
                prefix = [f"{block.number}. " if block.number else "· "]
            out.append(E.P(E.CLASS("text"), *prefix, *_runs(block)))
    return out


def html(paper):
    """The paper as an HTML document (a string) for WeasyPrint."""
    head = []
    if paper.issuer_mark:
        head.append(E.DIV(E.CLASS("mark"), paper.issuer_mark))
    if paper.doc_number or paper.issuer_mark:
        if paper.upward:
            head.append(E.DIV(E.CLASS("number upward"), E.SPAN(paper.doc_number),
                              E.SPAN("签发人：", E.SPAN(E.CLASS("signer-name"), paper.signer or "　　　"))))
        else:
            head.append(E.DIV(E.CLASS("number"), paper.doc_number or " "))
    main = [E.H1(paper.title)]
    if paper.recipients_line:
        main.append(E.P(E.CLASS("recipients"), paper.recipients_line))
    main += _body(parts.blocks(paper.body_html))
    if paper.attachment_lines:
        main.append(E.DIV(E.CLASS("attachments"),
                          *[E.P(E.CLASS("first" if i == 0 else "item"), line)
                            for i, line in enumerate(paper.attachment_lines)]))
    sig_right, date_right = parts.signature_indents(paper.signature, paper.date_text)
    signature = E.DIV(E.CLASS("signature"), E.P(paper.signature), E.P(paper.date_text))
    signature[0].set("style", f"padding-right: {sig_right}em")
    signature[1].set("style", f"padding-right: {date_right}em")
    main.append(signature)
    main += [E.P(E.CLASS("annotation"), line) for line in paper.annotations]
    if paper.has_imprint:
        rows = []
        if paper.cc_line:
            rows.append(E.P(E.CLASS("cc"), paper.cc_line))
        if paper.printed_line:
            rows.append(E.P(E.CLASS("printed"), E.SPAN(paper.printed_line[0]),
                            E.SPAN(paper.printed_line[1])))
        main.append(E.DIV(E.CLASS("imprint"), *rows))
    document = E.HTML(E.HEAD(E.META(charset="utf-8"), E.TITLE(paper.title), E.STYLE(CSS)),
                      E.BODY(*head, *main))
    document.set("lang", "zh-CN")
    return etree.tostring(document, encoding="unicode", method="html", doctype="<!DOCTYPE html>")


def _fetcher(image):
    """A WeasyPrint URL fetcher that serves this document's images and refuses every other URL
    (no file, no server): a refused image is left out of the PDF."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class OwnImages(URLFetcher):
        def fetch(self, url, headers=None):
            src = url[len(_BASE) - 1:] if url.startswith(_BASE) else None
            data = image(src) if (image and src) else None
            if not data:
                raise ValueError(f"not an image of this document: {url}")
            return URLFetcherResponse(url, body=data, headers={"Content-Type": _sniff(data)})

    return OwnImages(allowed_protocols=())


def write(paper, image=None):
    """The PDF (bytes) of a :class:`parts.Paper`; ``image(src)`` gives an image's bytes."""
    import weasyprint                        # imported when a PDF is made: it loads Pango

    out = io.BytesIO()
    weasyprint.HTML(string=html(paper), base_url=_BASE, url_fetcher=_fetcher(image)).write_pdf(out)
    return out.getvalue()


def _sniff(data):
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data.startswith(b"GIF8"):
        return "image/gif"
    return "application/octet-stream"
