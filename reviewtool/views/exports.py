"""Tables as downloads: CSV (UTF-8 with a BOM, so Excel reads it as UTF-8) and XLSX.

Every cell goes through :func:`cell`: text from users never reaches a spreadsheet as a formula
(CSV/formula injection).  Numbers stay numbers."""
import csv
import io

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
    return download(workbook_bytes(book), XLSX, f"{filename}.xlsx")


def workbook_bytes(book):
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
