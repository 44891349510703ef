"""The action list as a file: its lines as text (`table`), written as CSV by
`intranet.csvfile` or as XLSX here. The headers are ones the importer reads back."""

from __future__ import annotations

import io
from datetime import UTC

from flask_babel import get_timezone
from flask_babel import gettext as _
from openpyxl.utils import get_column_letter


def table(rows, include_network: bool) -> list[list[str]]:
    """A header and one line per row (`services.export_rows`), as text."""
    from intranet.actions.services import STATUS_LABELS

    header = [_("Fokusområde"), _("Delmål"), _("Aktivitet"), _("Ansvarig"), _("Kostnad"),
              _("Tid"), _("Förfallodatum"), _("Status"), _("Kommentar")]
    if include_network:
        header.append(_("Nätverk"))
    header += [_("Senast ändrad"), _("Ändrad av")]
    statuses = {status: str(label) for status, label in STATUS_LABELS.items()}
    zone = get_timezone()  # as format_datetime would show the time, once for every row
    lines = [header]
    for row in rows:
        line = [
            row.focus_area,
            row.sub_goal,
            row.activity,
            row.responsible,
            row.cost,
            row.time_text,
            row.due_date.isoformat() if row.due_date else "",
            statuses.get(row.status, row.status),
            row.comment,
        ]
        if include_network:
            line.append(row.network)
        changed = zone.normalize(row.updated_at.replace(tzinfo=UTC).astimezone(zone))
        line += [changed.strftime("%Y-%m-%d %H:%M"), row.updated_by or ""]
        lines.append(line)
    return lines


def to_xlsx(lines: list[list[str]]) -> bytes:
    """Every cell text (openpyxl would store "=..." as a formula), written as it goes: a
    national plan has tens of thousands of lines."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Handlingsplan")[:31])
    sheet.freeze_panes = "A2"
    widths = [18, 30, 45, 25, 15, 12, 14, 10, 45, 20, 18, 20]
    for index, width in enumerate(widths[: len(lines[0])], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold, wrapped = Font(bold=True), Alignment(wrap_text=True, vertical="top")

    def text(value, header: bool) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        if header:
            cell.font = bold
        else:
            cell.alignment = wrapped
        return cell

    for number, line in enumerate(lines):
        sheet.append([text(value, number == 0) for value in line])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
