"""A 公文 out as a Word file laid out to GB/T 9704-2012, with python-docx.

A4; margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm right; body 仿宋_GB2312 三号 (16 pt) on a
fixed 29 pt line, first lines indented two characters; 发文机关标志 in red 方正小标宋简体 with the red
separator under the 发文字号 (签发人 on its right for an 上行文); 标题 方正小标宋简体 二号 (22 pt)
centred; 主送机关 顶格; headings 一、 in 黑体, （一） in 楷体_GB2312, 1. and （1） in 仿宋 (a run-in
heading only up to its 。); 附件说明; 发文机关署名 and 成文日期 (GB/T 9704 7.3.5.3); the 附注 in
parentheses on the line under the date, indented two characters; the 版记 (抄送, 印发机关和印发日期)
between its rules at the foot of the last page; page numbers “— 1 —” in 四号宋体, right on odd
pages and left on even ones.  Every run names its East-Asian font (w:rFonts w:eastAsia), so WPS
and Word use the bureau's fonts, and a machine without them substitutes.
"""
import io

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor

from . import parts

FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
SONG = "宋体"

BODY_PT = 16            # 三号
TITLE_PT = 22           # 二号
IMPRINT_PT = 14         # 四号 (版记, page numbers)
LINE_PT = 29            # fixed line pitch: 22 lines on the page
PAGE = dict(width=Mm(210), height=Mm(297), top=Mm(37), bottom=Mm(35), left=Mm(28), right=Mm(26))
TEXT_WIDTH = Emu(PAGE["width"] - PAGE["left"] - PAGE["right"])    # 156 mm: the 版心
RED = "FF0000"
HEADING_FONTS = {1: HEITI, 2: KAITI, 3: FANGSONG, 4: FANGSONG}


def set_font(run, name, size=BODY_PT, bold=None, color=None):
    """The run's font for Latin and East-Asian text alike (w:rFonts ascii/hAnsi/eastAsia)."""
    run.font.name = name
    rfonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), name)
    run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    return run


def _fixed(paragraph, pitch=LINE_PT):
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(pitch)
    fmt.space_before = fmt.space_after = Pt(0)
    return fmt


# The order of a paragraph's properties (w:pPr) in the schema: an element out of order makes Word
# call the file corrupt.
PPR_ORDER = ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
             "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs",
             "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
             "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
             "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
             "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
             "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
             "w:pPrChange")
TBLPR_ORDER = ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
               "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd",
               "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
               "w:tblCaption", "w:tblDescription")
BORDER_ORDER = ("w:top", "w:left", "w:bottom", "w:right", "w:between", "w:bar")


def _insert_before(parent, child, successors):
    """Put ``child`` into ``parent`` before the first of ``successors`` present (else at the end)."""
    names = {qn(t) for t in successors}
    following = next((el for el in parent if el.tag in names), None)
    if following is not None:
        following.addprevious(child)
    else:
        parent.append(child)
    return child


def _ppr_child(paragraph, tag):
    """The paragraph's ``tag`` property, inserted in schema order when missing."""
    ppr = paragraph._p.get_or_add_pPr()
    child = ppr.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        _insert_before(ppr, child, PPR_ORDER[PPR_ORDER.index(tag) + 1:])
    return child


def _border(paragraph, side, size, color="000000", space=1):
    borders = _ppr_child(paragraph, "w:pBdr")
    edge = OxmlElement(f"w:{side}")
    for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", str(space)),
                       ("w:color", color)):
        edge.set(qn(key), value)
    _insert_before(borders, edge, BORDER_ORDER[BORDER_ORDER.index(f"w:{side}") + 1:])


class _Writer:
    def __init__(self, paper, image=None):
        self.paper = paper
        self.image = image or (lambda src: None)
        self.doc = docx.Document()
        self._setup()

    # --- the page ----------------------------------------------------------------------------
    def _setup(self):
        section = self.doc.sections[0]
        section.page_width, section.page_height = PAGE["width"], PAGE["height"]
        section.top_margin, section.bottom_margin = PAGE["top"], PAGE["bottom"]
        section.left_margin, section.right_margin = PAGE["left"], PAGE["right"]
        section.footer_distance = Mm(28) - Pt(IMPRINT_PT)       # the number 7 mm under the 版心
        section.header_distance = Mm(15)
        normal = self.doc.styles["Normal"]
        normal.font.name = FANGSONG
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FANGSONG)
        normal.font.size = Pt(BODY_PT)
        fmt = normal.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(LINE_PT)
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.widow_control = False
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "zh-CN")
        lang.set(qn("w:eastAsia"), "zh-CN")
        _insert_before(normal.element.get_or_add_rPr(), lang,
                       ("w:eastAsianLayout", "w:specVanish", "w:oMath"))
        self.doc.core_properties.title = self.paper.title
        self.doc.core_properties.language = "zh-CN"
        self._page_numbers(section)

    def _page_numbers(self, section):
        """“— 1 —” in 四号宋体: odd pages right (one character in), even pages left."""
        self.doc.settings.odd_and_even_pages_header_footer = True
        for footer, align, side in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
                                    (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left")):
            footer.is_linked_to_previous = False
            p = footer.paragraphs[0]
            p.alignment = align
            fmt = p.paragraph_format
            setattr(fmt, f"{side}_indent", Pt(IMPRINT_PT))
            set_font(p.add_run("— "), SONG, IMPRINT_PT)
            self._field(p, "PAGE")
            set_font(p.add_run(" —"), SONG, IMPRINT_PT)

    def _field(self, paragraph, instruction):
        def run_with(child):
            run = paragraph.add_run()
            set_font(run, SONG, IMPRINT_PT)
            run._r.append(child)
            return run
        begin = OxmlElement("w:fldChar")
        begin.set(qn("w:fldCharType"), "begin")
        run_with(begin)
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = f" {instruction} "
        run_with(instr)
        separate = OxmlElement("w:fldChar")
        separate.set(qn("w:fldCharType"), "separate")
        run_with(separate)
        set_font(paragraph.add_run("1"), SONG, IMPRINT_PT)
        end = OxmlElement("w:fldChar")
        end.set(qn("w:fldCharType"), "end")
        run_with(end)

    # --- paragraphs ----------------------------------------------------------------------------
    def para(self, text="", font=FANGSONG, size=BODY_PT, align=None, first_line=0, pitch=LINE_PT,
             color=None):
        p = self.doc.add_paragraph()
        fmt = _fixed(p, pitch)
        if align is not None:
            p.alignment = align
        if first_line:
            fmt.first_line_indent = Pt(first_line * size)
        if text:
            set_font(p.add_run(text), font, size, color=color)
        return p

    def blank(self):
        return self.para()

    # --- 版头 -----------------------------------------------------------------------------------
    def head(self):
        paper = self.paper
        if paper.issuer_mark:
            self.para(paper.issuer_mark, XIAOBIAOSONG, 36, WD_ALIGN_PARAGRAPH.CENTER, pitch=48, color=RED)
            self.blank()
        if paper.doc_number or paper.issuer_mark:
            if paper.upward:
                line = self.para(align=WD_ALIGN_PARAGRAPH.LEFT)
                line.paragraph_format.left_indent = Pt(BODY_PT)
                line.paragraph_format.tab_stops.add_tab_stop(Emu(TEXT_WIDTH) - Pt(BODY_PT),
                                                              WD_TAB_ALIGNMENT.RIGHT)
                set_font(line.add_run(paper.doc_number), FANGSONG)
                set_font(line.add_run("\t签发人："), FANGSONG)
                set_font(line.add_run(paper.signer or "　　　"), KAITI)
            else:
                line = self.para(paper.doc_number, align=WD_ALIGN_PARAGRAPH.CENTER)
            _border(line, "bottom", 12, RED, space=10)          # the red separator line
            self.blank()

    # --- 主体 ------------------------------------------------------------------------------------
    def title(self):
        self.para(self.paper.title, XIAOBIAOSONG, TITLE_PT, WD_ALIGN_PARAGRAPH.CENTER, pitch=36)
        self.blank()
        if self.paper.recipients_line:
            self.para(self.paper.recipients_line)                 # 顶格

    def body(self, body_blocks):
        for block in body_blocks:
            if block.kind == "table":
                self.table(block)
            elif block.kind == "image":
                self.picture(block)
            else:
                self.paragraph(block)

    def paragraph(self, block):
        p = self.para(first_line=2, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        runs = list(block.runs)
        if block.kind == "li":
            prefix = f"{block.number}. " if block.number else "· "
            runs.insert(0, parts.Run(prefix))
        heading_chars = parts.heading_length(block.text) if block.level else 0
        font_of_heading = HEADING_FONTS.get(block.level, FANGSONG)
        done = 0
        for run in runs:
            for piece, in_heading in _split(run.text, done, heading_chars):
                self._text(p, piece, font_of_heading if in_heading else FANGSONG, run)
            done += len(run.text)
        return p

    def _text(self, p, text, font, style):
        lines = text.split("\n")
        for index, line in enumerate(lines):
            if index:
                p.add_run().add_break(WD_BREAK.LINE)
            if line:
                run = set_font(p.add_run(line), font)
                run.font.bold = style.bold or None
                run.font.italic = style.italic or None
                run.font.underline = style.underline or None

    def table(self, block):
        grid = _grid(block.rows)
        if not grid:
            return
        cols = max(len(r) for r in grid)
        table = self.doc.add_table(rows=len(grid), cols=cols)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for r, row in enumerate(grid):                       # header rows repeat on each page
            if row and all(c is None or c.header for c in row) and any(c is not None for c in row):
                tr_pr = table.rows[r]._tr.get_or_add_trPr()
                tr_pr.append(OxmlElement("w:tblHeader"))
        merged = set()
        for r, row in enumerate(grid):
            for c, cell in enumerate(row):
                if cell is None or id(cell) in merged:
                    continue
                merged.add(id(cell))
                target = table.cell(r, c)
                last_r, last_c = r + cell.rowspan - 1, c + cell.colspan - 1
                if (last_r, last_c) != (r, c):
                    target = target.merge(table.cell(min(last_r, len(grid) - 1), min(last_c, cols - 1)))
                target.paragraphs[0].text = ""
                for i, line in enumerate(cell.lines):
                    p = target.paragraphs[0] if i == 0 else target.add_paragraph()
                    _fixed(p, 22)
                    if cell.header:
                        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    set_font(p.add_run(line), HEITI if cell.header else FANGSONG, IMPRINT_PT)

    def picture(self, block):
        data = self.image(block.src)
        if not data:
            if block.alt:
                self.para(f"［图：{block.alt}］", first_line=2)
            return
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
        try:
            shape = p.add_run().add_picture(io.BytesIO(data))
        except Exception:            # an image python-docx cannot size (EMF, a broken file)
            p._p.getparent().remove(p._p)
            self.para(f"［图：{block.alt or '图片'}］", first_line=2)
            return
        if shape.width > TEXT_WIDTH:
            shape.height = int(shape.height * TEXT_WIDTH / shape.width)
            shape.width = TEXT_WIDTH

    def closing(self):
        paper = self.paper
        if paper.attachment_lines:
            self.blank()
            first = parts.text_width("附件：")
            for i, line in enumerate(paper.attachment_lines):
                p = self.para(line)
                if i == 0:
                    p.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
                else:                   # aligned with the first name, after “附件：”
                    p.paragraph_format.left_indent = Pt((2 + first) * BODY_PT)
        self.blank()
        sig_right, date_right = parts.signature_indents(paper.signature, paper.date_text)
        sig = self.para(paper.signature, align=WD_ALIGN_PARAGRAPH.RIGHT)
        sig.paragraph_format.right_indent = Pt(sig_right * BODY_PT)
        date = self.para(paper.date_text, align=WD_ALIGN_PARAGRAPH.RIGHT)
        date.paragraph_format.right_indent = Pt(date_right * BODY_PT)
        for line in paper.annotations:                           # 附注: under the date, 2 em in
            self.para(line, first_line=2, align=WD_ALIGN_PARAGRAPH.LEFT)

    # --- 版记 -------------------------------------------------------------------------------------
    def imprint(self):
        """抄送 and 印发 between a thick rule above, a thin one between and a thick one below: a
        table as wide as the 版心, floated to the foot of the last page (Word and WPS honour the
        position; LibreOffice 7 sets it right after the text)."""
        paper = self.paper
        if not paper.has_imprint:
            return
        rows = [r for r in (paper.cc_line, paper.printed_line) if r]
        table = self.doc.add_table(rows=len(rows), cols=1)
        tbl_pr = table._tbl.tblPr
        position = OxmlElement("w:tblpPr")
        for key, value in (("w:leftFromText", "0"), ("w:rightFromText", "0"),
                           ("w:vertAnchor", "margin"), ("w:horzAnchor", "margin"),
                           ("w:tblpXSpec", "center"), ("w:tblpYSpec", "bottom")):
            position.set(qn(key), value)
        _insert_before(tbl_pr, position, TBLPR_ORDER[TBLPR_ORDER.index("w:tblpPr") + 1:])
        width = tbl_pr.find(qn("w:tblW"))
        if width is None:
            width = _insert_before(tbl_pr, OxmlElement("w:tblW"),
                                   TBLPR_ORDER[TBLPR_ORDER.index("w:tblW") + 1:])
        width.set(qn("w:w"), str(int(TEXT_WIDTH.pt * 20)))
        width.set(qn("w:type"), "dxa")
        borders = OxmlElement("w:tblBorders")
        for side, size in (("top", 8), ("left", 0), ("bottom", 8), ("right", 0), ("insideH", 6),
                           ("insideV", 0)):                  # 0.35 mm, none, 0.35 mm, none, 0.25 mm
            edge = OxmlElement(f"w:{side}")
            edge.set(qn("w:val"), "single" if size else "nil")
            if size:
                for key, value in (("w:sz", str(size)), ("w:space", "0"), ("w:color", "000000")):
                    edge.set(qn(key), value)
            borders.append(edge)
        _insert_before(tbl_pr, borders, TBLPR_ORDER[TBLPR_ORDER.index("w:tblBorders") + 1:])
        margins = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            edge = OxmlElement(f"w:{side}")
            edge.set(qn("w:w"), "0")
            edge.set(qn("w:type"), "dxa")
            margins.append(edge)
        _insert_before(tbl_pr, margins, TBLPR_ORDER[TBLPR_ORDER.index("w:tblCellMar") + 1:])
        for row, content in zip(table.rows, rows):
            cell = row.cells[0]
            cell.width = TEXT_WIDTH
            p = cell.paragraphs[0]
            fmt = _fixed(p, LINE_PT)
            fmt.right_indent = Pt(IMPRINT_PT)                        # 右空一字
            if isinstance(content, str):                            # 抄送：…。 wraps after the colon
                hang = Pt(IMPRINT_PT * (1 + parts.text_width("抄送：")))
                fmt.left_indent, fmt.first_line_indent = hang, -(hang - Pt(IMPRINT_PT))
                set_font(p.add_run(content), FANGSONG, IMPRINT_PT)
            else:                                                   # 印发机关 … 2026年4月16日印发
                fmt.left_indent = Pt(IMPRINT_PT)                    # 左空一字
                fmt.tab_stops.add_tab_stop(Emu(TEXT_WIDTH) - Pt(2 * IMPRINT_PT), WD_TAB_ALIGNMENT.RIGHT)
                set_font(p.add_run(f"{content[0]}\t{content[1]}"), FANGSONG, IMPRINT_PT)
        end = self.para(pitch=1, size=1)            # a document ends with a paragraph, not a table
        end.paragraph_format.line_spacing = Pt(1)

    def save(self):
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def _split(text, start, heading_chars):
    """Pieces of a run's text with whether each lies within the heading's first characters."""
    if heading_chars <= start:
        return [(text, False)] if text else []
    cut = heading_chars - start
    return [(piece, inside) for piece, inside in ((text[:cut], True), (text[cut:], False)) if piece]


def _grid(rows):
    """Cells placed on a grid, honouring colspan and rowspan (a spanned position holds None)."""
    grid = []
    for r, row in enumerate(rows):
        while len(grid) <= r:
            grid.append([])
        c = 0
        for cell in row:
            while c < len(grid[r]) and grid[r][c] is not False:
                c += 1
            for dr in range(cell.rowspan):
                while len(grid) <= r + dr:
                    grid.append([])
                line = grid[r + dr]
                while len(line) < c + cell.colspan:
                    line.append(False)
                for dc in range(cell.colspan):
                    line[c + dc] = cell if (dr, dc) == (0, 0) else None
            c += cell.colspan
    cols = max((len(r) for r in grid), default=0)
    return [[(x if x is not False else None) for x in row] + [None] * (cols - len(row)) for row in grid
            if row]


def write(paper, image=None):
    """The .docx (bytes) of a :class:`parts.Paper`; ``image(src)`` gives an image's bytes."""
    writer = _Writer(paper, image)
    writer.head()
    writer.title()
    writer.body(parts.blocks(paper.body_html))
    writer.closing()
    writer.imprint()
    return writer.save()


def appendix(title, body_html, image=None):
    """A 附件 made into its own .docx: the title centred, then its text, laid out like the body."""
    writer = _Writer(parts.Paper(title=title, body_html=body_html), image)
    writer.para(title, XIAOBIAOSONG, TITLE_PT, WD_ALIGN_PARAGRAPH.CENTER, pitch=36)
    writer.blank()
    writer.body(parts.blocks(body_html))
    return writer.save()
