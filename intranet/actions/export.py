"""Writing the action list as CSV (UTF-8 with a byte order mark, so Excel reads å, ä and ö)
and as XLSX. The headers are ones the importer reads back."""

from __future__ import annotations

import csv
import io

from flask_babel import format_datetime
from flask_babel import gettext as _

from intranet.text import csv_cell


def table(items, include_network: bool) -> list[list[str]]:
    """A header and one line per row, as text."""
    from intranet.actions.services import STATUS_LABELS

    header = [_("Fokusområde"), _("Delmål"), _("Aktivitet"), _("Ansvarig"), _("Kostnad"),
              _("Tid"), _("Förfallodatum"), _("Status"), _("Kommentar")]
    if include_network:
        header.append(_("Nätverk"))
    header += [_("Senast ändrad"), _("Ändrad av")]
    lines = [header]
    for item in items:
        line = [
            item.sub_goal.focus_area.name,
            item.sub_goal.text,
            item.activity,
            item.responsible,
            item.cost,
            item.time_text,
            item.due_date.isoformat() if item.due_date else "",
            str(STATUS_LABELS.get(item.status, item.status)),
            item.comment,
        ]
        if include_network:
            line.append(item.network.name)
        line += [
            format_datetime(item.updated_at, "yyyy-MM-dd HH:mm"),
            item.updated_by.name if item.updated_by else "",
        ]
        lines.append(line)
    return lines


def to_csv(lines: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for line in lines:
        writer.writerow([csv_cell(cell) for cell in line])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(lines: list[list[str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Handlingsplan")[:31]
    for row_number, line in enumerate(lines, start=1):
        for column, value in enumerate(line, start=1):
            cell = sheet.cell(row=row_number, column=column)
            cell.value = value
            # Always text: openpyxl would otherwise store "=..." as a formula.
            cell.data_type = "s"
            if row_number == 1:
                cell.font = Font(bold=True)
            else:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    widths = [18, 30, 45, 25, 15, 12, 14, 10, 45, 20, 18, 20]
    for index, width in enumerate(widths[: len(lines[0])], start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
