"""Every CSV file the app writes, in the one format that Excel set to Swedish opens into
columns: semicolons between the cells (a Swedish Excel reads commas as decimal commas and puts
a comma-separated line in one column), UTF-8 with a byte order mark (without it Excel reads
å, ä and ö as Windows-1252) and CRLF at the end of each line. Every cell goes through
`csv_cell`, so nothing a person typed runs as a formula. The file is written as its rows are
read, a batch at a time: a national audit log has millions of rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from flask import Response, stream_with_context

from intranet.text import csv_cell

BOM = "\ufeff"
BATCH = 500


class SwedishExcel(csv.excel):
    """Excel's own dialect (double quotes, doubled inside a cell, CRLF), with semicolons."""

    delimiter = ";"
    lineterminator = "\r\n"


def csv_text(rows: Iterable[Iterable[object]], batch: int = BATCH) -> Iterator[str]:
    """The file's text in pieces: the byte order mark and the first row (the header) at
    once, then `batch` rows at a time."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, dialect=SwedishExcel)

    def written() -> str:
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    out.write(BOM)
    for number, row in enumerate(rows, start=1):
        writer.writerow([csv_cell(cell) for cell in row])
        if number == 1 or number % batch == 0:
            yield written()
    rest = written()
    if rest:
        yield rest


def csv_download(rows: Iterable[Iterable[object]], filename: str) -> Response:
    """A streamed answer that downloads `rows` as `filename`. `rows` may read the database as
    it goes: the request's context stays open until the last row is written."""
    return Response(stream_with_context(csv_text(rows)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
