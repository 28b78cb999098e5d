"""The monthly report as a spreadsheet: one sheet per table, numbers kept as numbers.

Lengths of working time are written as Excel durations (``[h]:mm``), instants as the
office's local time, shares as percentages, so a supervisor can sort, sum and chart
them without retyping anything.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from bot.core.report_tables import Cell, ReportTables

# Characters Excel does not allow in a sheet's name, and its length limit.
_NOT_IN_NAME = re.compile(r"[\[\]:*?/\\]")
_NAME_LIMIT = 31
_HEADING_FILL = PatternFill("solid", fgColor="E8EEF6")


def _value(cell: Cell, tables: ReportTables) -> tuple[object, str | None]:
    """The value to store and its number format."""
    if isinstance(cell, timedelta):
        return cell, "[h]:mm"
    if isinstance(cell, datetime):
        # Excel knows no time zones: the office's own clock, as people read it.
        return cell.astimezone(tables.zone).replace(tzinfo=None), "yyyy-mm-dd hh:mm"
    if isinstance(cell, float):
        return cell, "0%"
    return cell, None


def report_xlsx(tables: ReportTables) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for table in tables.all():
        name = _NOT_IN_NAME.sub("-", tables.t(f"report.sheet.{table.key}"))[:_NAME_LIMIT]
        sheet = book.create_sheet(name)
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True, size=12)
        if table.note:
            sheet.append([table.note])
            sheet.cell(sheet.max_row, 1).font = Font(italic=True, color="5A5A5A")
        sheet.append([])
        sheet.append(list(table.headers))
        heading_row = sheet.max_row
        for column in range(1, len(table.headers) + 1):
            heading = sheet.cell(heading_row, column)
            heading.font = Font(bold=True)
            heading.fill = _HEADING_FILL
            heading.alignment = Alignment(wrap_text=True, vertical="top")
        for values in table.rows:
            sheet.append([_value(value, tables)[0] for value in values])
            row = sheet.max_row
            for column, value in enumerate(values, start=1):
                number_format = _value(value, tables)[1]
                if number_format:
                    sheet.cell(row, column).number_format = number_format
        sheet.freeze_panes = sheet.cell(heading_row + 1, 1)
        for column, width in enumerate(table.widths or (3,) * len(table.headers), start=1):
            sheet.column_dimensions[get_column_letter(column)].width = 6 * width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
