"""The parts of a 公文 (GB/T 9704-2012) and the rules of their form, shared by the Word import,
the Word and PDF output and the forms.

- :class:`Paper`: a document's elements in the order the paper prints them (版头, 主体, 版记);
- :func:`blocks`: a body (sanitized HTML) as paragraphs, headings of the four levels (一、
  （一） 1. （1）), list items, tables and images — read from the parsed tree, never from the markup;
- the 发文字号 rule (机关代字〔年份〕序号号) with the fix it offers, the 成文日期 as written (2026年4月16日,
  also 二〇二六年四月十六日 when reading), the 附注 lines, the widths the layout needs.
"""
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath

import lxml.html
from lxml import etree

from ..labels import Direction, Disclosure
from ..sanitize import strip_invisible

# --- headings: the four levels of a 公文's structure -----------------------------------------------
CN_NUMERALS = "一二三四五六七八九十百零〇"
_LEVELS = (
    (1, re.compile(rf"^[{CN_NUMERALS}]+、")),
    (2, re.compile(rf"^[（(][{CN_NUMERALS}]+[）)]")),
    (3, re.compile(r"^[0-9]{1,2}[.．](?![0-9])")),
    (4, re.compile(r"^[（(][0-9]{1,2}[）)]")),
)
HEADING_TAGS = {"h2": 1, "h3": 2, "h4": 3}


def heading_level(text):
    """1–4 for a paragraph that opens with 一、 / （一） / 1. / （1）, else 0."""
    text = (text or "").lstrip(" \u3000\t")
    for level, pattern in _LEVELS:
        if pattern.match(text):
            return level
    return 0


def heading_length(text):
    """How many characters of a heading paragraph are the heading: all of it, or — a run-in
    heading such as “（一）指导思想。认真贯彻……” — up to and including the first 。."""
    stop = text.find("。")
    return stop + 1 if 0 <= stop < len(text.rstrip()) - 1 else len(text)


# --- 发文字号 ---------------------------------------------------------------------------------------
_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fffA-Za-z]{1,20}〔(?:19|20)[0-9]{2}〕[1-9][0-9]{0,5}号$")
_DOC_NUMBER_LOOSE = re.compile(
    r"^(?P<code>[\u4e00-\u9fffA-Za-z]{1,20})\s*[〔\[［(（【<〈《]\s*(?P<year>(?:19|20)[0-9]{2})\s*"
    r"[〕\]］)）】>〉》]\s*第?\s*(?P<serial>[0-9]{1,7})\s*号?$")
DOC_NUMBER_HINT = "发文字号由机关代字、年份和序号组成，年份用六角括号〔〕，序号不编虚位、不加“第”字，如：泉交办〔2020〕19号。"


def doc_number_problem(value):
    """(message, suggestion) when a 发文字号 breaks the form, else None.  The suggestion (or None
    when none can be made) turns [2026] / (2026) / （2026） into 〔2026〕, drops leading zeros and
    “第”, adds a missing 号 — for the drafter to accept."""
    value = (value or "").strip()
    if not value or _DOC_NUMBER.match(value):
        return None
    loose = _DOC_NUMBER_LOOSE.match(value)
    suggestion = None
    if loose and int(loose["serial"]) > 0:
        suggestion = f"{loose['code']}〔{loose['year']}〕{int(loose['serial'])}号"
        if not _DOC_NUMBER.match(suggestion):
            suggestion = None
    return DOC_NUMBER_HINT, suggestion


def find_doc_number(text):
    """A 发文字号 inside a line (also with [ ] or （ ） brackets), normalized, or None."""
    for piece in re.split(r"[\s\u3000]+", text or ""):
        piece = piece.strip()
        if not piece:
            continue
        if _DOC_NUMBER.match(piece):
            return piece
        loose = _DOC_NUMBER_LOOSE.match(piece)
        if loose and "号" in piece:
            return piece
    return None


# --- dates -------------------------------------------------------------------------------------------
_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_DATE = re.compile(r"^([0-9]{4})\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*日$")
_CN_DATE = re.compile(r"^([〇零○Ｏ一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日$")


def _cn_small(text):
    """一…三十一 as a number."""
    if text == "十":
        return 10
    if "十" in text:
        tens, _, units = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)
    return _CN_DIGITS[text]


def parse_cn_date(text):
    """“2026年4月16日” or “二〇二六年四月十六日” as a date; None for anything else."""
    text = unicodedata.normalize("NFKC", (text or "").strip()).replace(" ", "")
    match = _DATE.match(text)
    try:
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
        match = _CN_DATE.match(text)
        if match:
            year = int("".join(str(_CN_DIGITS[c]) for c in match[1]))
            return date(year, _cn_small(match[2]), _cn_small(match[3]))
    except (ValueError, KeyError):
        return None
    return None


def cn_date(value):
    """The 成文日期 as GB/T 9704 writes it: Arabic numerals, no leading zeros (2026年4月16日)."""
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


BLANK_DATE = "　　　　年　　月　　日"          # a draft: the date is written when it is signed


# --- 附注 ------------------------------------------------------------------------------------------
_ATTRIBUTE_NOTE = re.compile(r"此件(主动公开|公开发布|依申请公开|删减后公开|不予公开|不公开)")
_NOTE_ATTRIBUTES = {"主动公开": Disclosure.PROACTIVE, "公开发布": Disclosure.PROACTIVE,
                    "依申请公开": Disclosure.ON_REQUEST, "删减后公开": Disclosure.REDACTED,
                    "不予公开": Disclosure.WITHHELD, "不公开": Disclosure.WITHHELD}


def unwrap_parentheses(text):
    text = (text or "").strip()
    if len(text) >= 2 and text[0] in "（(" and text[-1] in "）)":
        return text[1:-1].strip()
    return text


def attribute_in_note(text):
    """The disclosure attribute a 附注 line states (“此件主动公开”), or None."""
    match = _ATTRIBUTE_NOTE.search(text or "")
    return _NOTE_ATTRIBUTES[match[1]] if match else None


def note_lines(note):
    return [unwrap_parentheses(line) for line in (note or "").splitlines() if line.strip()]


def annotations(attribute_annotation, note):
    """The 附注 lines the paper prints under the date, each in parentheses: the attribute's first
    (“（此件主动公开）”), then the drafter's own (a contact person, say)."""
    lines = [attribute_annotation] if attribute_annotation else []
    return lines + [f"（{line}）" for line in note_lines(note)]


# --- 附件说明 and the attachments' order ------------------------------------------------------------
_ITEM_NUMBER = re.compile(r"^\s*[0-9]{1,2}\s*[.．、]\s*")


def attachment_name(line):
    """A line of 附件说明 without “附件：” or its number."""
    line = re.sub(r"^\s*附件\s*[：:]\s*", "", line or "")
    return _ITEM_NUMBER.sub("", line).strip().rstrip("。.；;")


def _comparable(name):
    return re.sub(r"[\s《》〈〉“”\"'.．。]", "", PurePath(name).stem if "." in name[-6:] else name)


def _names(line, filename):
    """Whether a line of 附件说明 names this file (its name without extension, punctuation and
    spaces, the one within the other)."""
    name, stem = _comparable(attachment_name(line)), _comparable(filename)
    return bool(name and stem) and (name == stem or name in stem or stem in name)


def attachment_order(files, lines):
    """``files`` (objects with ``.filename``) in the order 附件说明 names them; files it does not
    name follow in their own order."""
    def place(item):
        index, f = item
        return next(((i, index) for i, line in enumerate(lines) if _names(line, f.filename)),
                    (len(lines), index))

    return [f for _, f in sorted(enumerate(files), key=place)]


def unmatched_lines(lines, filenames):
    """The lines of 附件说明 that name none of these files (a 附件 still to upload, or on paper)."""
    return [line for line in lines if not any(_names(line, f) for f in filenames)]


def attachment_lines_text(lines):
    """附件说明 as the paper prints it: “附件：name” for one, “附件：1. name” … for several."""
    names = [attachment_name(line) for line in lines if attachment_name(line)]
    if len(names) == 1:
        return [f"附件：{names[0]}"]
    return [("附件：" if i == 0 else "") + f"{i + 1}. {name}" for i, name in enumerate(names)]


# --- widths (in characters of the body's size) -------------------------------------------------------
def text_width(text):
    """The width of a line in em: a full-width character counts 1, a half-width one ½."""
    return sum(1 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text or "")


def signature_indents(signature, date_text):
    """Right indents (em) of 发文机关署名 and 成文日期 for a paper without a seal (GB/T 9704 7.3.5.3):
    the signature right-aligned 2 em from the margin, the date on the next line starting 2 em to
    the right of the signature's first character; a date longer than that moves both left."""
    w_sig, w_date = text_width(signature), text_width(date_text)
    date_right = w_sig - w_date
    if date_right >= 2:
        return 2.0, date_right
    return 4 + w_date - w_sig, 2.0


# --- the paper ------------------------------------------------------------------------------------------
@dataclass
class Paper:
    """A document's elements in the paper's order.  ``annotations`` are printed in parentheses
    under the date; ``signer`` only for an 上行文."""
    title: str
    body_html: str
    issuer_mark: str = ""
    doc_number: str = ""
    signer: str = ""
    upward: bool = False
    main_recipients: str = ""
    attachment_lines: list = field(default_factory=list)
    signature: str = ""
    signed_on: date = None
    annotations: list = field(default_factory=list)
    cc: str = ""
    printed_by: str = ""
    printed_on: date = None

    @classmethod
    def of(cls, doc, bureau_name, body_html=None):
        """The paper of a document or a version; ``body_html`` replaces its body (the published,
        redacted text for the public)."""
        upward = doc.direction == Direction.UPWARD
        return cls(
            title=doc.title or "", body_html=doc.body_html if body_html is None else body_html,
            issuer_mark=doc.issuer_mark or "", doc_number=doc.doc_number or "",
            signer=(doc.signer or "") if upward else "", upward=upward,
            main_recipients=doc.main_recipients or "",
            attachment_lines=attachment_lines_text(doc.attachment_lines),
            signature=doc.signature or bureau_name, signed_on=doc.signed_on,
            annotations=annotations(doc.annotation, doc.note),
            cc=doc.cc or "", printed_by=doc.printed_by or "",
            printed_on=doc.printed_on or (doc.signed_on if doc.printed_by else None))

    @property
    def date_text(self):
        return cn_date(self.signed_on) if self.signed_on else BLANK_DATE

    @property
    def recipients_line(self):
        """主送机关, 顶格, ending with a full-width colon."""
        text = (self.main_recipients or "").strip().rstrip("：:")
        return f"{text}：" if text else ""

    @property
    def cc_line(self):
        """抄送机关: after the colon the names, the last followed by 。."""
        text = (self.cc or "").strip().rstrip("。.；;，,")
        return f"抄送：{text}。" if text else ""

    @property
    def printed_line(self):
        """(印发机关, “2026年4月16日印发”) of the 版记, or None."""
        if not self.printed_by:
            return None
        when = cn_date(self.printed_on) if self.printed_on else BLANK_DATE
        return self.printed_by, f"{when}印发"

    @property
    def has_imprint(self):
        """版记: 抄送机关 and/or 印发机关和印发日期."""
        return bool(self.cc_line or self.printed_line)


# --- the body as blocks ------------------------------------------------------------------------------------
@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False


@dataclass
class Cell:
    lines: list
    colspan: int = 1
    rowspan: int = 1
    header: bool = False


@dataclass
class Block:
    """One block of a body: ``kind`` is "p" (a paragraph; ``level`` 1–4 for a heading), "li" (an
    item of a list, ``number`` > 0 when it is ordered), "table" (``rows`` of :class:`Cell`) or
    "image" (``src``, ``alt``)."""
    kind: str
    runs: list = field(default_factory=list)
    level: int = 0
    number: int = 0
    rows: list = field(default_factory=list)
    src: str = ""
    alt: str = ""

    @property
    def text(self):
        return "".join(r.text for r in self.runs)


_INLINE_STYLE = {"strong": "bold", "b": "bold", "em": "italic", "i": "italic", "u": "underline"}
_PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"}


def _span_number(value):
    try:
        return max(1, min(int(value or 1), 999))
    except ValueError:
        return 1


class _Reader:
    def __init__(self):
        self.out = []

    def paragraph(self, el, level_hint=0, kind="p", number=0):
        """An element whose inline content is one paragraph; an image inside splits it."""
        runs = []

        def flush():
            while runs and not runs[-1].text.strip("\n"):
                runs.pop()
            text = "".join(r.text for r in runs)
            if text.strip():
                level = level_hint or heading_level(text)
                self.out.append(Block(kind, list(runs), level if kind == "p" else 0, number))
            runs.clear()

        def inline(node, style):
            """The text and inline children of ``node`` as runs in ``style``."""
            if node.text:
                runs.append(Run(node.text, **style))
            for child in node:
                walk(child, style)
                if child.tail:
                    runs.append(Run(child.tail, **style))

        def walk(node, style):
            if not isinstance(node.tag, str):
                return
            if node.tag == "img":
                flush()
                self.out.append(Block("image", src=node.get("src", ""), alt=node.get("alt", "")))
            elif node.tag == "br":
                runs.append(Run("\n", **style))
            elif node.tag in ("ul", "ol", "table") or node.tag in _PARAGRAPHS or node.tag == "div":
                flush()
                self.block(node)
            else:
                inner = dict(style)
                if node.tag in _INLINE_STYLE:
                    inner[_INLINE_STYLE[node.tag]] = True
                inline(node, inner)

        inline(el, {"bold": False, "italic": False, "underline": False})
        flush()

    def block(self, el):
        tag = el.tag
        if tag in ("ul", "ol"):
            number = 0
            for li in el:
                if isinstance(li.tag, str) and li.tag == "li":
                    number += 1
                    self.paragraph(li, kind="li", number=number if tag == "ol" else 0)
        elif tag == "table":
            self.out.append(Block("table", rows=_rows(el)))
        elif tag == "div":
            self.container(el)
        else:
            self.paragraph(el, HEADING_TAGS.get(tag, 0))

    def container(self, el):
        """Children of a container; loose text and inline elements between blocks form paragraphs."""
        loose = lxml.html.Element("p")
        loose.text = el.text

        def flush_loose():
            nonlocal loose
            if (loose.text or "").strip() or len(loose):
                self.paragraph(loose)
            loose = lxml.html.Element("p")

        for child in list(el):
            if not isinstance(child.tag, str):
                continue
            if child.tag in _PARAGRAPHS or child.tag in ("ul", "ol", "table", "div"):
                flush_loose()
                self.block(child)
                loose.text = child.tail
            else:
                tail, child.tail = child.tail, None
                loose.append(child)
                child.tail = tail
        flush_loose()


LINE_BREAKING = _PARAGRAPHS | {"li", "div", "tr", "td", "th"}


def lines_of(el):
    """The text of an element as lines: a line ends at a <br> and after each paragraph, list
    item, row or cell."""
    lines, current = [], []

    def end_line():
        lines.append("".join(current))
        current.clear()

    def walk(node):
        if not isinstance(node.tag, str):
            return
        if node.tag == "br":
            end_line()
        if node.text:
            current.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                current.append(child.tail)
        if node.tag in LINE_BREAKING:
            end_line()

    walk(el)
    end_line()
    return [line.strip() for line in lines if line.strip()]


def _cell_lines(cell):
    return lines_of(cell) or [""]


def _rows(table):
    rows = []
    for tr in table.iter("tr"):
        cells = [Cell(_cell_lines(td), _span_number(td.get("colspan")), _span_number(td.get("rowspan")),
                      td.tag == "th")
                 for td in tr if isinstance(td.tag, str) and td.tag in ("td", "th")]
        if cells:
            rows.append(cells)
    return rows


def blocks(body_html):
    """The body as a list of :class:`Block`, in order."""
    body_html = strip_invisible(body_html or "")
    if not body_html.strip():
        return []
    try:
        root = lxml.html.fragment_fromstring(body_html, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    reader = _Reader()
    reader.container(root)
    return reader.out
