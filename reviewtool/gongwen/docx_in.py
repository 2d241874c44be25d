"""A Word file in: refuse what cannot or must not be read, convert the rest, recognize the parts
of the 公文.

1. :func:`check_docx` refuses, with a message in Chinese, a file that is empty or too large, not
   a Word document (a PDF, an RTF, an Excel workbook, an OFD…), a Word 97–2003 ``.doc`` or WPS
   ``.wps`` (save as .docx), a password-protected file (an encrypted OLE container), a file with
   macros (``.docm``, ``vbaProject.bin``), a zip bomb (entry count, unpacked size and ratio are
   checked from the zip directory *before* anything is unpacked; reading never goes beyond the
   declared sizes), a part with a DOCTYPE (entity expansion), or a corrupt file.
2. :func:`read` converts with ``mammoth`` (semantic HTML: paragraphs, headings, lists, tables,
   images) after ``python-docx`` has written automatic numbering out as text (a heading numbered
   by Word's list engine keeps its “一、”), and recognizes the parts of a 公文: 发文机关标志,
   发文字号 (and 签发人), 标题, 主送机关, 附件说明, 发文机关署名, 成文日期, 附注 (an attribute stated
   there, “（此件主动公开）”, is returned as the attribute, not as a 附注 to print twice), the
   附件 pages after it, 抄送机关, 印发机关和印发日期.  Whatever is not recognized stays in the body.

The HTML returned is mammoth's, not yet sanitized, with images as ``src="image:N"``; the caller
stores the images, points the sources at them and sanitizes (``sanitize.clean_body``).
"""
import io
import re
from html import escape as html_escape
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

import docx
import lxml.html
import mammoth
import olefile
from docx.oxml.ns import qn
from lxml import etree

from . import parts

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


class BadFile(Exception):
    """A file refused; ``message`` says why, in Chinese, and what to do."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 4 * 1024 * 1024          # the file as uploaded
    max_unpacked: int = 64 * 1024 * 1024      # all entries of the zip, unpacked
    max_ratio: int = 200                      # unpacked : packed, for an entry over 1 MB
    max_entries: int = 2000


SAVE_AS_DOCX = "请在 WPS 或 Word 中打开后“另存为”Word 文档（*.docx）再上传。"
NOT_DOCX = "该文件不是 Word 文档（.docx）。" + SAVE_AS_DOCX
CORRUPT = "文件已损坏，无法读取。请在 WPS 或 Word 中打开确认无误后，重新保存为 .docx 再上传。"


def _mb(n):
    return f"{n / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


# --- refusing ------------------------------------------------------------------------------------------
def check_ole(data, filename=""):
    """An OLE compound file: a password-protected Office file, a Word 97–2003 / WPS document, or
    some other old Office file.  Always refuses."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
        streams = {"/".join(path) for path in ole.listdir(streams=True, storages=True)}
        ole.close()
    except (OSError, ValueError, IndexError, KeyError, TypeError):
        raise BadFile(CORRUPT) from None
    if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
        raise BadFile("该文件设置了打开密码（已加密），系统无法读取。请在 WPS 或 Word 中取消密码"
                      "（文件 → 文档加密 / 信息 → 保护文档）后保存为 .docx 再上传。")
    if "WordDocument" in streams:
        if PurePath(filename).suffix.lower() == ".wps":
            raise BadFile("这是 WPS 文字的旧格式（.wps），无法直接读取。" + SAVE_AS_DOCX)
        raise BadFile("这是旧版 Word 文档（.doc），无法直接读取。" + SAVE_AS_DOCX)
    if "Workbook" in streams or "Book" in streams:
        raise BadFile("这是 Excel 表格（.xls），不是 Word 文档。" + SAVE_AS_DOCX)
    raise BadFile(NOT_DOCX)


def check_container(data, limits, kind="docx"):
    """A zip-based Office file: not a bomb, no macros, no DOCTYPE in its XML; for ``kind``
    "docx" also that it is a Word document.  Reads the zip directory first; entries are read
    only once their declared sizes passed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise BadFile(CORRUPT) from None
    if len(entries) > limits.max_entries:
        raise BadFile(f"文件内部结构异常（包含{len(entries)}个部件），可能是恶意构造的压缩文件，已拒绝。")
    unpacked = sum(e.file_size for e in entries)
    if unpacked > limits.max_unpacked:
        raise BadFile(f"文件解压后过大（{_mb(unpacked)}，上限{_mb(limits.max_unpacked)}），"
                      "可能是恶意构造的压缩文件（“压缩炸弹”），已拒绝。")
    for e in entries:
        if e.file_size > 1024 * 1024 and e.file_size > limits.max_ratio * max(e.compress_size, 1):
            raise BadFile("文件内部压缩比异常，可能是恶意构造的压缩文件（“压缩炸弹”），已拒绝。")
        if e.flag_bits & 0x1:
            raise BadFile("该文件设置了密码（已加密），系统无法读取。请取消密码后重新保存再上传。")
    names = {e.filename for e in entries}
    lowered = {n.lower() for n in names}
    try:
        content_types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
        if any(n.endswith("vbaproject.bin") or n.endswith("vbadata.xml") for n in lowered) \
                or b"macroEnabled" in content_types:
            raise BadFile("该文件含有宏（.docm / vbaProject），出于安全考虑不能上传。"
                          "请另存为不含宏的 Word 文档（*.docx）或 Excel 工作簿（*.xlsx）后再上传。")
        if kind == "docx":
            if "word/document.xml" not in names and "word/document2.xml" not in names:
                if "xl/workbook.xml" in names:
                    raise BadFile("这是 Excel 表格（.xlsx），不是 Word 文档。" + SAVE_AS_DOCX)
                if "ppt/presentation.xml" in names:
                    raise BadFile("这是 PowerPoint 演示文稿，不是 Word 文档。" + SAVE_AS_DOCX)
                if "OFD.xml" in names:
                    raise BadFile("这是 OFD 版式文件，不能导入为正文；可以作为附件上传。"
                                  "要导入正文，" + SAVE_AS_DOCX)
                raise BadFile(NOT_DOCX)
        for e in entries:
            if e.filename.lower().endswith((".xml", ".rels")):
                head = archive.read(e)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise BadFile("文件中含有不允许的 XML 声明（DOCTYPE/ENTITY），已拒绝。" + SAVE_AS_DOCX)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError,
            RuntimeError, ValueError):
        # a CRC error, a truncated entry, an unknown compression method, an encrypted entry
        raise BadFile(CORRUPT) from None


def check_docx(data, filename, limits):
    """Refuse anything that is not a readable, safe .docx within the limits."""
    if not data:
        raise BadFile("文件是空的。请选择要导入的 Word 文档（.docx）。")
    if len(data) > limits.max_bytes:
        raise BadFile(f"文件过大（{_mb(len(data))}），导入的 Word 文档不能超过{_mb(limits.max_bytes)}。"
                      "可将图片压缩后再保存，或把附件另行上传。")
    suffix = PurePath(filename or "").suffix.lower()
    if data.startswith(OLE_MAGIC):
        check_ole(data, filename)
    if data.startswith(b"{\\rtf"):
        raise BadFile("这是 RTF 格式的文件，不是 Word 文档（.docx）。" + SAVE_AS_DOCX)
    if data.startswith(b"%PDF-"):
        raise BadFile("这是 PDF 文件，无法导入为可编辑的正文；PDF 可以作为附件上传。"
                      "要导入正文，请上传 Word 文档（.docx）。")
    if not data.startswith(ZIP_MAGIC):
        if suffix in (".doc", ".wps"):
            raise BadFile("这是旧版 Word/WPS 文档，无法直接读取。" + SAVE_AS_DOCX)
        raise BadFile(NOT_DOCX)
    check_container(data, limits, kind="docx")
    if suffix == ".docm":
        raise BadFile("启用宏的 Word 文档（.docm）出于安全考虑不能上传。" + SAVE_AS_DOCX)


def _open(data):
    try:
        return docx.Document(io.BytesIO(data))
    except MemoryError:
        raise
    except Exception:           # a hostile or broken file may fail the parser anywhere
        raise BadFile(CORRUPT) from None


def text_of(data, limits):
    """The words of a .docx (paragraphs and table cells, a line each), for the personal-data scan;
    None when it is not a readable .docx."""
    try:
        check_docx(data, "", limits)
        document = _open(data)
    except BadFile:
        return None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(line for line in lines if line.strip())


# --- numbering written out as text ------------------------------------------------------------------
_CN = "〇一二三四五六七八九"


def _chinese(n):
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN[n]
    if n < 20:
        return "十" + (_CN[n % 10] if n % 10 else "")
    if n < 100:
        return _CN[n // 10] + "十" + (_CN[n % 10] if n % 10 else "")
    return str(n)


def _roman(n):
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _letter(n):
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else ""


FORMATS = {
    "decimal": str, "decimalZero": lambda n: f"{n:02d}",
    "chineseCounting": _chinese, "chineseCountingThousand": _chinese,
    "chineseLegalSimplified": _chinese, "ideographTraditional": _chinese,
    "taiwaneseCounting": _chinese, "japaneseCounting": _chinese,
    "decimalFullWidth": lambda n: "".join(chr(0xFF10 + int(d)) for d in str(n)),
    "decimalFullWidth2": lambda n: "".join(chr(0xFF10 + int(d)) for d in str(n)),
    "decimalEnclosedCircle": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "decimalEnclosedCircleChinese": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "decimalEnclosedParen": lambda n: f"({n})",
    "upperLetter": _letter, "lowerLetter": lambda n: _letter(n).lower(),
    "upperRoman": _roman, "lowerRoman": lambda n: _roman(n).lower(),
}


def _val(el, tag):
    child = el.find(qn(tag)) if el is not None else None
    return child.get(qn("w:val")) if child is not None else None


class _Numbering:
    """Word's list engine, enough to print what a numbered paragraph shows (一、 （一） 1. （1）)."""

    def __init__(self, document):
        try:
            self.root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            self.root = None
        self.counters = {}
        self.styles = {s.style_id: s for s in document.styles}

    def _levels(self, num_id):
        if self.root is None:
            return None, {}
        num = next((n for n in self.root.findall(qn("w:num")) if n.get(qn("w:numId")) == num_id), None)
        if num is None:
            return None, {}
        abstract_id = _val(num, "w:abstractNumId")
        abstract = next((a for a in self.root.findall(qn("w:abstractNum"))
                         if a.get(qn("w:abstractNumId")) == abstract_id), None)
        levels = {}
        if abstract is not None:
            for lvl in abstract.findall(qn("w:lvl")):
                levels[lvl.get(qn("w:ilvl"))] = lvl
        for override in num.findall(qn("w:lvlOverride")):
            lvl = override.find(qn("w:lvl"))
            if lvl is not None:
                levels[override.get(qn("w:ilvl"))] = lvl
        return num, levels

    def _num_pr(self, paragraph):
        ppr = paragraph._p.pPr
        num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
        if num_pr is not None:
            return num_pr, True
        style_id = ppr.find(qn("w:pStyle")).get(qn("w:val")) if ppr is not None and \
            ppr.find(qn("w:pStyle")) is not None else None
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            style = self.styles.get(style_id)
            if style is None:
                break
            spr = style.element.find(qn("w:pPr"))
            if spr is not None and spr.find(qn("w:numPr")) is not None:
                return spr.find(qn("w:numPr")), False
            base = style.element.find(qn("w:basedOn"))
            style_id = base.get(qn("w:val")) if base is not None else None
        return None, False

    def write_out(self, paragraph):
        """Put the number a numbered paragraph shows in front of its text and take the numbering
        off; bullets stay a list."""
        num_pr, direct = self._num_pr(paragraph)
        if num_pr is None:
            return
        num_id, ilvl = _val(num_pr, "w:numId"), _val(num_pr, "w:ilvl") or "0"
        if not num_id or num_id == "0":
            return
        num, levels = self._levels(num_id)
        lvl = levels.get(ilvl)
        if lvl is None or (_val(lvl, "w:numFmt") or "decimal") in ("bullet", "none"):
            return
        counters = self.counters.setdefault(num_id, {})
        level = int(ilvl)
        start = int(_val(lvl, "w:start") or "1")
        counters[level] = counters.get(level, start - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        text = _val(lvl, "w:lvlText") or ""

        def number(match):
            k = int(match[1]) - 1
            k_lvl = levels.get(str(k))
            fmt = (_val(k_lvl, "w:numFmt") if k_lvl is not None else None) or "decimal"
            k_start = int((_val(k_lvl, "w:start") if k_lvl is not None else None) or "1")
            return FORMATS.get(fmt, str)(counters.get(k, k_start))

        label = re.sub(r"%([1-9])", number, text)
        if (_val(lvl, "w:suff") or "tab") == "space":
            label += " "
        if label:
            run = paragraph._p.makeelement(qn("w:r"), {})
            t = run.makeelement(qn("w:t"), {})
            t.text = label
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            run.append(t)
            ppr = paragraph._p.pPr
            index = list(paragraph._p).index(ppr) + 1 if ppr is not None else 0
            paragraph._p.insert(index, run)
        if direct:
            num_pr.getparent().remove(num_pr)
        else:                                   # the style numbers it: switch that off here
            paragraph._p.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = 0


def _centered(paragraph):
    alignment = paragraph.paragraph_format.alignment
    style = paragraph.style
    while alignment is None and style is not None:
        alignment = style.paragraph_format.alignment
        style = style.base_style
    return alignment is not None and int(alignment) == 1       # WD_ALIGN_PARAGRAPH.CENTER


def _prepare(document):
    """Numbering written out; the texts of the centered paragraphs of the body."""
    numbering = _Numbering(document)
    centered = set()
    for paragraph in _all_paragraphs(document):
        numbering.write_out(paragraph)
    for paragraph in document.paragraphs:
        if _centered(paragraph):
            centered.add(_norm(paragraph.text))
    out = io.BytesIO()
    document.save(out)
    out.seek(0)
    return out, centered


def _all_paragraphs(document):
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


# --- recognizing the parts -------------------------------------------------------------------------------
@dataclass
class Image:
    key: str                # the src it has in the returned HTML ("image:0")
    data: bytes
    content_type: str
    alt: str = ""


@dataclass
class Appendix:
    """One 附件 printed after the 成文日期 (its own pages): made into an attachment file."""
    title: str
    html: str


@dataclass
class Imported:
    fields: dict                                   # document field → value, for the form
    body_html: str                                 # mammoth's HTML (not yet sanitized)
    images: list = field(default_factory=list)
    appendices: list = field(default_factory=list)
    recognized: list = field(default_factory=list)  # the fields found, in the paper's order
    notes: list = field(default_factory=list)      # what the drafter should know, in Chinese


STYLE_MAP = "\n".join([
    "p[style-name='Title'] => p:fresh",
    "p[style-name='title'] => p:fresh",
    "p[style-name='Subtitle'] => p:fresh",
    "p[style-name='heading 1'] => h2:fresh",
    "p[style-name='Heading 1'] => h2:fresh",
    "p[style-name='heading 2'] => h3:fresh",
    "p[style-name='Heading 2'] => h3:fresh",
    "p[style-name='heading 3'] => h4:fresh",
    "p[style-name='Heading 3'] => h4:fresh",
    "p[style-name='heading 4'] => h4:fresh",
    "p[style-name='Heading 4'] => h4:fresh",
    "p[style-name='heading 5'] => p:fresh",
    "p[style-name='heading 6'] => p:fresh",
])


def _norm(text):
    """For matching: full-width forms folded, spaces and tabs gone."""
    return re.sub(r"[\s\u3000]+", "", unicodedata.normalize("NFKC", text or ""))


@dataclass
class _Item:
    el: object
    text: str
    norm: str
    centered: bool


# What a recognized part may hold (the form's limits); a longer one is not taken from the body.
MAX_CHARS = {"issuer_mark": 100, "doc_number": 64, "signer": 64, "title": 200, "main_recipients": 500,
             "signature": 200, "note": 500, "cc": 500, "printed_by": 100}

_ISSUER_MARK = re.compile(r"^.{2,40}(文件|\(函\)|函)$")
_SIGNER = re.compile(r"签发人[:：]?(.+)$")
_ATTACHMENT_NOTE = re.compile(r"^附件[:：]")
_APPENDIX_LABEL = re.compile(r"^附件[0-9]*$")
_ITEM = re.compile(r"^[0-9]{1,2}[.、]")
_CC = re.compile(r"^(抄送|抄报)[:：](.+)$")
_PRINTED = re.compile(r"^(.+?)([0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日)印发$")
_PRINTED_LINE = re.compile(r"^(.+?)[\s\u3000]*[0-9０-９]{4}\s*年.*印发$")
_NOTE = re.compile(r"^\(.+\)$")
_GENRES = ("通知", "通报", "请示", "报告", "批复", "函", "意见", "决定", "纪要", "公告", "通告", "方案",
           "办法", "细则", "规定", "规划", "要点", "总结", "命令", "议案", "决议", "公报")


def _is_recipients(item):
    n = item.norm
    return (n.endswith(":") and 2 <= len(n) <= 200 and "。" not in n and not parts.heading_level(n)
            and not _ATTACHMENT_NOTE.match(n) and not _CC.match(n))


def _is_signature(item):
    n = item.norm
    return (0 < len(n) <= 40 and n[-1] not in "。；;，,：:" and not parts.heading_level(n)
            and not _ATTACHMENT_NOTE.match(n) and not _ITEM.match(n) and item.el.tag == "p")


def _is_title(item):
    n = item.norm
    return (2 <= len(n) <= 120 and n[-1] not in "。；;，,：:" and not parts.heading_level(n)
            and item.el.tag in ("p", "h2", "h3", "h4")
            and (item.centered or n.startswith("关于") or n.endswith(_GENRES)))


def _imprint_line(norm):
    """A line of the 版记 whose parts fit their fields (a longer one stays in the body)."""
    cc, printed = _CC.match(norm), _PRINTED.match(norm)
    return bool(cc and len(cc[2]) <= MAX_CHARS["cc"] or printed and len(printed[1]) <= MAX_CHARS["printed_by"])


def _is_imprint(item):
    if item.el.tag == "table":
        lines = [ln for ln in (_norm(x) for x in item.text.split("\n")) if ln]
        return bool(lines) and all(_imprint_line(ln) for ln in lines)
    return _imprint_line(item.norm)


def _text(el):
    """The words of an element; a newline between its blocks and cells."""
    return "\n".join(parts.lines_of(el))


def _serialize(items):
    return "".join(etree.tostring(i.el, encoding="unicode", method="html") for i in items)


def _plain(item):
    """The text of a one-line part, as the field keeps it (spaces inside Chinese collapsed)."""
    return re.sub(r"[ \t\u3000]+", " ", item.text.replace("\n", " ")).strip()


def recognize(items):
    """The parts of a 公文 among the top-level blocks; the rest is the body."""
    fields, recognized, notes = {}, [], []
    n, i = len(items), 0

    def found(name, value):
        fields[name] = value
        recognized.append(name)

    def fits(name, value):
        return len(value) <= MAX_CHARS.get(name, 10_000)

    # 版头: 发文机关标志, 发文字号 (with 签发人 on the same line or the next)
    if i < n and _ISSUER_MARK.match(items[i].norm) and not items[i].norm.startswith("关于") and (
            items[i].norm.endswith("文件") or (i + 1 < n and parts.find_doc_number(items[i + 1].text))):
        found("issuer_mark", _plain(items[i]))
        i += 1
    for _ in range(2):
        if i >= n or len(items[i].norm) > 80:
            break
        number = parts.find_doc_number(items[i].text)
        signer = _SIGNER.search(items[i].norm)
        if not number and not signer:
            break
        if number and "doc_number" not in fields:
            found("doc_number", number)
        if signer and "signer" not in fields and fits("signer", signer[1]):
            found("signer", signer[1])
        i += 1
    # 标题: one to three lines (centered ones continue it)
    title = []
    while i < n and len(title) < 3 and _is_title(items[i]) and not _is_recipients(items[i]) and (
            not title or items[i].centered):
        title.append(_plain(items[i]))
        i += 1
    if title:
        found("title", "".join(title))
    if i < n and _is_recipients(items[i]) and fits("main_recipients", _plain(items[i])):
        found("main_recipients", _plain(items[i]).rstrip("：:").strip())
        i += 1
    body_start = i

    # 版记, from the end: 抄送, 印发机关和印发日期
    j = n
    while j > body_start and _is_imprint(items[j - 1]):
        j -= 1
    for item in items[j:]:
        lines = item.text.split("\n") if item.el.tag == "table" else [item.text]
        for line in lines:
            norm = _norm(line)
            cc, printed = _CC.match(norm), _PRINTED.match(norm)
            if cc:
                found("cc", re.sub(r"^\s*(抄送|抄报)\s*[:：]\s*", "", line).strip().rstrip("。."))
            elif printed:
                organ = _PRINTED_LINE.match(line.strip())
                found("printed_by", organ[1].strip() if organ else printed[1])
                found("printed_on", parts.parse_cn_date(printed[2]))

    # 成文日期, with 发文机关署名 above it and 附件说明 above that; 附注 below it
    date_at = None
    for k in range(body_start, j):
        if items[k].el.tag == "p" and parts.parse_cn_date(items[k].norm) and (
                k > body_start and _is_signature(items[k - 1]) or k + 1 == j
                or _NOTE.match(items[k + 1].norm) or _APPENDIX_LABEL.match(items[k + 1].norm)):
            date_at = k
            break
    body_end, tail_start = j, j
    if date_at is not None:
        found_date = parts.parse_cn_date(items[date_at].norm)
        sig_at = date_at
        if date_at - 1 > body_start and _is_signature(items[date_at - 1]) \
                and parts.parse_cn_date(items[date_at - 1].norm) is None:
            sig_at = date_at - 1
        body_end = sig_at
        note_at = None
        for a in range(sig_at - 1, max(body_start, sig_at - 12) - 1, -1):
            if _ATTACHMENT_NOTE.match(items[a].norm):
                note_at = a
                break
            if not _ITEM.match(items[a].norm):
                break
        if note_at is not None:
            lines = [re.sub(r"^\s*附件\s*[：:]\s*", "", _plain(items[note_at]))] + \
                    [_plain(x) for x in items[note_at + 1:sig_at]]
            found("attachment_note", "\n".join(parts.attachment_name(x) for x in lines if x.strip()))
            body_end = note_at
        if sig_at < date_at:
            found("signature", _plain(items[sig_at]))          # at most 40 characters
        found("signed_on", found_date)
        k = date_at + 1
        notes_found = []
        while k < j and _NOTE.match(items[k].norm) and \
                sum(len(x) + 1 for x in notes_found) + len(items[k].text) <= MAX_CHARS["note"]:
            notes_found.append(parts.unwrap_parentheses(_plain(items[k])))
            k += 1
        if notes_found:
            attribute = next((parts.attribute_in_note(x) for x in notes_found
                              if parts.attribute_in_note(x)), None)
            own = [x for x in notes_found if not parts.attribute_in_note(x)]
            if attribute:
                found("disclosure", attribute)
                notes.append(f"文件附注“（{next(x for x in notes_found if parts.attribute_in_note(x))}）”"
                             f"已作为公开属性“{attribute.label}”选中，请确认；附注由系统按公开属性生成，不会重复打印。")
            if own:
                found("note", "\n".join(own))
        tail_start = k
    appendices, leftover = _appendices(items[tail_start:j])
    body = items[body_start:body_end] + leftover
    if leftover:
        notes.append(f"成文日期之后有{len(leftover)}段内容未能识别为附件或附注，已放在正文末尾，请核对。")
    return fields, body, appendices, recognized, notes


def _appendices(items):
    """The 附件 pages after the 附注: each begins with a “附件” / “附件2” line, then its title."""
    if not items:
        return [], []
    if not _APPENDIX_LABEL.match(items[0].norm):
        return [], list(items)
    found, current = [], None
    for item in items:
        if _APPENDIX_LABEL.match(item.norm):
            current = []
            found.append(current)
        else:
            current.append(item)
    out = []
    for content in found:
        if not content:
            continue
        title_item = content[0]
        title = _plain(title_item) if len(title_item.norm) <= 100 else ""
        rest = content[1:] if title else content
        out.append(Appendix(title or f"附件{len(out) + 1}", _serialize(rest)))
    return out, []


def _unwrap_single_paragraph_cells(root):
    """A table cell holding one paragraph holds its text (as a cell typed in the tool does)."""
    for cell in root.iter("td", "th"):
        children = [c for c in cell if isinstance(c.tag, str)]
        if len(children) == 1 and children[0].tag == "p" and not (cell.text or "").strip() \
                and not (children[0].tail or "").strip():
            p = children[0]
            cell.text = p.text
            for child in list(p):
                cell.append(child)
            cell.remove(p)


def place_images(html, placed):
    """Point each ``image:N`` of the HTML at where it is kept: ``placed[key]`` is the URL the app
    serves it from, or None for an image a browser cannot show (it becomes a text note in its
    place, “［图：…］”).  Done on the parsed tree."""
    if not (html or "").strip():
        return ""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for number, img in enumerate(list(root.iter("img")), start=1):
        key = img.get("src", "")
        url = placed.get(key)
        if url:
            img.set("src", url)
            if not (img.get("alt") or "").strip():         # a text alternative for every image
                img.set("alt", f"插图{number}")
            continue
        note = f"［图：{img.get('alt') or '原文件中的图片，网页无法显示，已随原文件保存'}］"
        parent, previous = img.getparent(), img.getprevious()
        text = note + (img.tail or "")
        if previous is not None:
            previous.tail = (previous.tail or "") + text
        else:
            parent.text = (parent.text or "") + text
        parent.remove(img)
    return html_escape(root.text or "", quote=False) + "".join(
        etree.tostring(child, encoding="unicode", method="html") for child in root)


def read(data, filename, limits=Limits()):
    """The file's parts (see :class:`Imported`), or :class:`BadFile`."""
    check_docx(data, filename, limits)
    document = _open(data)
    try:
        prepared, centered = _prepare(document)
    except MemoryError:
        raise
    except Exception:           # numbering or styles that do not hold together
        raise BadFile(CORRUPT) from None
    images = []

    def keep_image(image):
        with image.open() as stream:
            content = stream.read(limits.max_unpacked + 1)
        key = f"image:{len(images)}"
        images.append(Image(key, content, image.content_type or "application/octet-stream",
                            image.alt_text or ""))
        return {"src": key}

    try:
        result = mammoth.convert_to_html(prepared, style_map=STYLE_MAP, include_default_style_map=True,
                                         include_embedded_style_map=False,
                                         convert_image=mammoth.images.img_element(keep_image))
    except MemoryError:
        raise
    except Exception:           # a hostile or broken file may fail the parser anywhere
        raise BadFile(CORRUPT) from None
    html = result.value or ""
    items = []
    if html.strip():
        root = lxml.html.fragment_fromstring(html, create_parent="div")
        _unwrap_single_paragraph_cells(root)
        for el in root:
            if isinstance(el.tag, str):
                text = _text(el)
                if text or el.tag == "table" or el.find(".//img") is not None:
                    items.append(_Item(el, text, _norm(text), _norm(text) in centered))
    fields, body, appendices, recognized, notes = recognize(items)
    if "title" not in fields:
        fields["title"] = PurePath(filename or "").stem[:200] or "（未识别出标题）"
        notes.append("未识别出标题，暂以文件名作为标题，请修改。")
    return Imported(fields, _serialize(body), images, appendices, recognized, notes)
