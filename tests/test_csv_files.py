"""Every CSV file the app writes opens into columns in Excel set to Swedish: a byte order mark,
semicolons, CRLF line ends, cells quoted only where they must be and never a formula. The
files are listed here by endpoint; a route whose URL can end in .csv, or a page that answers
text/csv, without a row here fails the suite."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pytest
from flask import url_for

from intranet.audit.models import AuditEvent
from intranet.csvfile import csv_text
from intranet.extensions import db
from tests.conftest import make_action

TRICKY = 'Buss; tåg och "pendel"\nrad två'  # a semicolon, quotes and a line break in one cell
FORMULA = "=HYPERLINK(\"https://example.com\")"

ACTION_COLUMNS = ["Fokusområde", "Delmål", "Aktivitet", "Ansvarig", "Kostnad", "Tid",
                  "Förfallodatum", "Status", "Kommentar"]
# endpoint → (a role that may fetch it, its URL arguments, its columns)
CSV_FILES = {
    "actions.export_network": ("member", {"slug": "plan", "fmt": "csv"},
                               [*ACTION_COLUMNS, "Senast ändrad", "Ändrad av"]),
    "actions.export_plan": ("member", {"fmt": "csv"},
                            [*ACTION_COLUMNS, "Nätverk", "Senast ändrad", "Ändrad av"]),
    "appointments.coverage_csv": ("committee", {},
                                  ["Nätverk", "Alfaby", "Betaholm", "Gammastad", "Totalt",
                                   "Kommuner utan ledamot"]),
    "admin.audit_log_csv": ("secretariat", {},
                            ["Tid (UTC)", "Person", "E-post", "Händelse", "Kod", "Objekt",
                             "Objekt-id", "IP-adress", "Detaljer"]),
}


def read_swedish_excel(data: bytes) -> list[list[str]]:
    """The rows as Excel set to Swedish reads them; the text must be exactly what that
    dialect writes back (so CRLF after every row, and quotes only where they are needed)."""
    assert data.startswith(b"\xef\xbb\xbf"), "no byte order mark"
    text = data.decode("utf-8")[1:]
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    again = io.StringIO(newline="")
    csv.writer(again, delimiter=";", quotechar='"', lineterminator="\r\n").writerows(rows)
    assert again.getvalue() == text
    return rows


@pytest.fixture
def tricky(app, world):
    """A value with a semicolon, quotes and a line break, and one that would be a formula, in
    an action row, a network's name and an audit event."""
    with app.app_context():
        make_action(world.network(), TRICKY, comment=FORMULA, responsible="-1")
        world.network("other_network").name = TRICKY
        db.session.add(AuditEvent(at=datetime(2026, 1, 1, 12), actor_id=world.ids.member,
                                  action="test_event", object_type="Test", object_id=1,
                                  ip="127.0.0.1", detail={"text": TRICKY, "formula": FORMULA}))
        db.session.commit()


def test_every_csv_route_is_listed(app):
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if "csv" in rule.rule}
    assert routes == set(CSV_FILES), "list every CSV file in CSV_FILES with its columns"


def test_no_page_without_arguments_answers_csv_unlisted(app, world, login_as):
    """The pages a URL alone names, fetched by the role that sees the most."""
    staff = login_as("secretariat")
    with app.test_request_context():
        urls = {rule.endpoint: url_for(rule.endpoint) for rule in app.url_map.iter_rules()
                if "GET" in rule.methods and not rule.arguments}
    answering_csv = {endpoint for endpoint, url in urls.items()
                     if staff.get(url).headers.get("Content-Type", "").startswith("text/csv")}
    assert answering_csv <= set(CSV_FILES)


@pytest.mark.parametrize("endpoint", sorted(CSV_FILES))
def test_every_csv_file_opens_in_swedish_excel_with_its_columns(app, world, tricky, login_as,
                                                                endpoint):
    role, arguments, columns = CSV_FILES[endpoint]
    with app.test_request_context():
        url = url_for(endpoint, **arguments)
    response = login_as(role).get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and disposition.endswith('.csv"')
    assert response.is_streamed  # written as it is read, never built whole first
    rows = read_swedish_excel(response.get_data())
    assert rows[0] == columns
    assert len(rows) > 1
    assert all(len(row) == len(columns) for row in rows), "a row split into other columns"
    cells = [cell for row in rows for cell in row]
    if endpoint == "admin.audit_log_csv":  # the detail is JSON: the value is inside it
        assert any(json.dumps(TRICKY, ensure_ascii=False) in cell for cell in cells)
        assert not any(cell.startswith("=") for cell in cells)
    else:
        assert TRICKY in cells
    if endpoint.startswith("actions."):
        assert "'" + FORMULA in cells and "'-1" in cells and FORMULA not in cells


def test_a_csv_file_is_written_a_batch_of_rows_at_a_time():
    read = []

    def rows():
        for number in range(5):
            read.append(number)
            yield [f"rad {number}", number]

    pieces = csv_text(rows(), batch=2)
    assert next(pieces) == "\ufeffrad 0;0\r\n" and read == [0]  # the header at once
    assert list(pieces) == ["rad 1;1\r\n", "rad 2;2\r\nrad 3;3\r\n", "rad 4;4\r\n"]
    assert "".join(csv_text([])) == "\ufeff"
