"""The dashboard's tables as CSV (one file, a titled block per figure) and XLSX (one sheet per figure)."""

from __future__ import annotations

import csv
import io

from .queries import Dashboard

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    # A unit or service name starting with "=" must not become a formula in the clerk's spreadsheet.
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(dashboard: Dashboard) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([f"{dashboard.period.start.isoformat()} — {dashboard.period.end.isoformat()}"])
    for title, header, rows in dashboard.tables():
        writer.writerow([])
        writer.writerow([title])
        writer.writerow(header)
        writer.writerows([[_cell(v) for v in row] for row in rows])
    return out.getvalue()


def to_xlsx(dashboard: Dashboard) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for number, (title, header, rows) in enumerate(dashboard.tables(), start=1):
        # Sheet names: at most 31 characters, none of []:*?/\
        name = "".join(ch for ch in str(title) if ch not in "[]:*?/\\")[:28]
        sheet = workbook.create_sheet(f"{number} {name}"[:31])
        sheet.append([str(h) for h in header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_cell(v) for v in row])
        for column, h in zip(sheet.columns, header, strict=False):
            sheet.column_dimensions[column[0].column_letter].width = max(12, min(40, len(str(h)) + 4))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
