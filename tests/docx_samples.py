"""Real .docx files for the tests, built with python-docx from the seed texts the way a drafter's
WPS or Word saves them: 版头, title, 主送, headings of all four levels, a table, 附件说明, 署名, date,
a pre-typed 附注, an appended 附件 page and the 版记 — and the broken files a drafter might upload."""
import io
import struct
import zipfile
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

SEEDS = Path(__file__).resolve().parents[1] / "reviewtool" / "seeds"


def seed_lines(prefix):
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]


# Seed 001 (泉州市交通运输局, 泉交办〔2020〕19号) as its paper reads.
S001 = seed_lines("001")
ISSUER_MARK = "泉州市交通运输局文件"
DOC_NUMBER = "泉交办〔2020〕19号"
TITLE_LINES = ["泉州市交通运输局关于印发《泉州市交通运输局政务公开", "工作实施细则》的通知"]
TITLE = "".join(TITLE_LINES)
RECIPIENTS = S001[4].rstrip(":：")                      # 局属各单位,局各科室
OPENING = S001[5]                                       # 为进一步规范政务公开,现将……
H1 = S001[11]                                           # 一、政务公开范围和形式
H2 = S001[12]                                           # (一)公开范围
H3 = S001[13]                                           # 1.政务公开清单所列项目内容;
H4 = "(1)" + S001[16][2:]                             # (1)在门户网站“政府信息公开专栏”发布……
H1B = S001[22]                                          # 二、政务公开要求
RUN_IN = S001[25] + "。" + S001[26]                    # a run-in heading: (二)…原则。严格执行……
TABLE = [["公开事项", "公开时限"], ["主动公开的政府信息", "形成或者变更之日起20个工作日内"],
         ["行政许可、行政处罚决定", "作出决定之日起7个工作日内"]]
ATTACHMENTS = ["泉州市交通运输局政务公开工作实施细则", "泉州市交通运输局政府信息公开目录"]
SIGNATURE = S001[6]                                     # 泉州市交通运输局
DATE_TEXT = S001[7]                                     # 2020年6月28日
ANNOTATION = S001[8]                                    # (此件主动公开)
CONTACT = "（联系人：办公室  电话：0595-22222222）"
APPENDIX_TITLE = S001[9]                                # 泉州市交通运输局政务公开工作实施细则
APPENDIX_TEXT = S001[10]
CC = "市政府办公室，市政务公开办，市交通运输执法支队，市公路事业发展中心，市港口发展中心，各县（市、区）交通运输局"
PRINTED_BY = "泉州市交通运输局办公室"


def _font(run, name="仿宋_GB2312", size=16, bold=False, color=None):
    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    run.font.size = Pt(size)
    run.font.bold = bold
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    return run


def _para(document, text="", center=False, indent=True, **font):
    p = document.add_paragraph()
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif indent:
        p.paragraph_format.first_line_indent = Pt(32)
    if text:
        _font(p.add_run(text), **font)
    return p


def _page_break(document):
    document.add_paragraph().add_run().add_break(docx.enum.text.WD_BREAK.PAGE)


BULLETS = [S001[17][2:], S001[18][2:]]                  # two items as a Word bullet list
TAIL = "本通知自印发之日起施行。"                            # after the date, not a 附件 page


def seed_document(*, annotation=True, appendix=True, imprint=True, image=None, upward=False,
                  numbered_headings=False, brackets="〔〕", bullets=False, tail=False):
    """The 泉交办〔2020〕19号 notice as a bureau's Word file (bytes)."""
    document = docx.Document()
    _para(document, ISSUER_MARK, center=True, name="方正小标宋简体", size=36, color="FF0000")
    number = DOC_NUMBER.replace("〔", brackets[0]).replace("〕", brackets[1])
    if upward:
        _para(document, f"{number}　　　　签发人：陈建国", center=True)
    else:
        _para(document, number, center=True)
    document.add_paragraph()
    for line in TITLE_LINES:
        _para(document, line, center=True, name="方正小标宋简体", size=22)
    document.add_paragraph()
    _para(document, RECIPIENTS + ":", indent=False)
    _para(document, OPENING)
    if numbered_headings:
        _numbered(document, [(0, H1[2:]), (1, H2[3:]), (2, H3[2:]), (3, H4[3:])])   # numbers off
    else:
        _para(document, H1, name="黑体")
        _para(document, H2, name="楷体_GB2312")
        _para(document, H3)
        _para(document, H4)
    table = document.add_table(rows=len(TABLE), cols=2)
    table.style = "Table Grid"
    for r, row in enumerate(TABLE):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    if bullets:
        for item in BULLETS:
            document.add_paragraph(item, style="List Bullet")
    _para(document, H1B, name="黑体")
    _para(document, RUN_IN)
    if image:
        _para(document).add_run().add_picture(io.BytesIO(image))
    document.add_paragraph()
    _para(document, f"附件：1. {ATTACHMENTS[0]}")
    _para(document, f"      2. {ATTACHMENTS[1]}")
    document.add_paragraph()
    document.add_paragraph()
    right = _para(document, SIGNATURE, indent=False)
    right.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    date = _para(document, DATE_TEXT, indent=False)
    date.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if annotation:
        _para(document, ANNOTATION)
        _para(document, CONTACT)
    if tail:
        _para(document, TAIL)
    if appendix:
        _page_break(document)
        _para(document, "附件1", indent=False, name="黑体")
        _para(document, APPENDIX_TITLE, center=True, name="方正小标宋简体", size=22)
        _para(document, APPENDIX_TEXT)
    if imprint:
        document.add_paragraph()
        _para(document, f"抄送：{CC}。", indent=False, size=14)
        _para(document, f"{PRINTED_BY}\t\t{DATE_TEXT}印发", indent=False, size=14)
    return save(document)


def _numbered(document, items):
    """Headings numbered by Word's list engine (一、 （一） 1. （1）), not typed."""
    numbering = document.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), "90")
    for level, (fmt, text) in enumerate([("chineseCounting", "%1、"), ("chineseCounting", "（%2）"),
                                         ("decimal", "%3."), ("decimal", "（%4）")]):
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), str(level))
        for tag, value in (("w:start", "1"), ("w:numFmt", fmt), ("w:lvlText", text)):
            el = OxmlElement(tag)
            el.set(qn("w:val"), value)
            lvl.append(el)
        abstract.append(lvl)
    numbering.insert(0, abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), "90")
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), "90")
    num.append(ref)
    numbering.append(num)
    for level, text in items:
        p = _para(document, text)
        num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = level
        num_pr.get_or_add_numId().val = 90


def save(document):
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def png(width=40, height=20, rgb=(200, 0, 0)):
    """A small real PNG (a filled rectangle)."""
    import zlib
    row = b"\x00" + bytes(rgb) * width
    raw = row * height

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def bmp(width=8, height=4):
    """A small real BMP: a format a browser may not be given inline."""
    row = (b"\x00\x00\xff" * width).ljust((width * 3 + 3) // 4 * 4, b"\0")
    pixels = row * height
    header = struct.pack("<2sIHHI", b"BM", 54 + len(pixels), 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    return header + info + pixels


# --- bad files -----------------------------------------------------------------------------------------
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def doc_97():
    """A real Word 97–2003 .doc (seed 001's opening, saved as .doc by LibreOffice)."""
    return (FIXTURES / "seed-001.doc").read_bytes()


def encrypted_docx(password="secret-1"):
    """The seed document with an opening password, encrypted as Word does (msoffcrypto-tool)."""
    import msoffcrypto
    out = io.BytesIO()
    msoffcrypto.OfficeFile(io.BytesIO(seed_document(appendix=False))).encrypt(password, out)
    return out.getvalue()


def zip_with(entries):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return out.getvalue()


def macro_docx():
    """A real .docx with a vbaProject.bin part (what a .docm carries)."""
    source = zipfile.ZipFile(io.BytesIO(seed_document(appendix=False)))
    entries = {i.filename: source.read(i) for i in source.infolist()}
    entries["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0" + b"\0" * 100
    return zip_with(entries)


def zip_bomb():
    """A .docx-shaped zip whose one entry unpacks to 80 MB of zeros (about 80 KB packed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as entry:
            block = b"\0" * (1024 * 1024)
            for _ in range(80):
                entry.write(block)
    return out.getvalue()


def corrupt_docx():
    """A real .docx cut in half."""
    data = seed_document(appendix=False)
    return data[: len(data) // 2]
