"""Tables as downloads: CSV (UTF-8 with a BOM, so Excel reads it as UTF-8), XLSX and DOCX.

Every cell goes through :func:`cell`: text from users never reaches a spreadsheet as a formula
(CSV/formula injection).  Numbers stay numbers."""
import csv
import io

from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from flask import Response
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def cell(value):
    """No spreadsheet formulas from user text (CSV/formula injection)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def download(body, mimetype, filename):
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    return response


def table_download(header, rows, fmt, filename, sheet_title):
    """One table (a header row and rows of values) as ``filename.fmt``."""
    table = [[cell(v) for v in header]] + [[cell(v) for v in row] for row in rows]
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out).writerows(table)
        return download(("\ufeff" + out.getvalue()).encode("utf-8"), "text/csv; charset=utf-8",
                        f"{filename}.csv")
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title)
    for line in table:
        sheet.append(line)
    return download(saved(book), XLSX, f"{filename}.xlsx")


def saved(document):
    """The bytes of a workbook or a Word document."""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- the annual report's tables (queries.annual.Report) as XLSX or DOCX ---------------------------
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _values(row):
    """A row's label and figures: a count, or the text shown instead of one."""
    return [row.label] + [c if isinstance(c, str) else c.count for c in row.cells]


def report_download(report, fmt, title, filename):
    if fmt == "xlsx":
        return download(_report_xlsx(report, title), XLSX, f"{filename}.xlsx")
    return download(_report_docx(report, title), DOCX, f"{filename}.docx")


def _report_xlsx(report, title):
    book = Workbook(write_only=True)
    sheet = book.create_sheet("年度报告统计")
    sheet.append([cell(title)])
    sheet.append([cell(f"统计截至{report.cutoff:%Y年%m月%d日}（{report.counted_on:%Y年%m月%d日}统计）")])
    for section, tables in report.sections:
        sheet.append([])
        sheet.append([cell(section)])
        for table in tables:
            sheet.append([])
            sheet.append([cell(table.title)])
            sheet.append([cell(h) for h in table.header])
            for row in table.rows:
                sheet.append([cell(v) for v in _values(row)] + ([cell(row.note)] if row.note else []))
            if table.note:
                sheet.append([cell("说明：" + table.note)])
    return saved(book)


def _report_docx(report, title):
    word = WordDocument()
    normal = word.styles["Normal"]
    normal.font.name, normal.font.size = "FangSong", Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋_GB2312")
    heading = word.add_heading(title, level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    word.add_paragraph(f"统计截至{report.cutoff:%Y年%m月%d日}（{report.counted_on:%Y年%m月%d日}统计）")
    for section, tables in report.sections:
        word.add_heading(section, level=2)
        for table in tables:
            word.add_paragraph().add_run(table.title).bold = True
            grid = word.add_table(rows=1, cols=len(table.header), style="Table Grid")
            for i, text in enumerate(table.header):
                grid.rows[0].cells[i].paragraphs[0].add_run(text).bold = True
            for row in table.rows:
                cells = grid.add_row().cells
                for i, value in enumerate(_values(row)):
                    cells[i].text = str(value)
                if row.note:
                    cells[0].add_paragraph(row.note).runs[0].font.size = Pt(9)
            if table.note:
                word.add_paragraph("说明：" + table.note).runs[0].font.size = Pt(9)
    return saved(word)
